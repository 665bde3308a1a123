"""Random sequences of moves by random people keep every subcontract record consistent."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.subcontracting.models import Subcontract, SubcontractStatus
from marketplace.subcontracting.records import TRANSITIONS, propose_subcontract, transition

ACTORS = ("client", "sub", "lyon_manager", "nantes_manager", "stranger", "admin")
PARTY = {"client": "client", "sub": "subcontractor"}
MOVES = st.lists(
    st.tuples(st.sampled_from(ACTORS), st.sampled_from((*SubcontractStatus.values(), "bogus"))),
    max_size=14,
)


def snapshot(record_id: int) -> tuple:
    db.session.expire_all()
    record = db.session.get(Subcontract, record_id)
    return (
        record.status,
        record.amount_cents,
        record.vat_rate,
        record.starts_on,
        [(e.from_status, e.to_status, e.by_profile_id) for e in record.events],
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    amount=st.integers(min_value=1, max_value=1_000_000_000),
    vat=st.sampled_from(["20", "10", "5.5", "2.1", "0"]),
    moves=MOVES,
)
def test_random_moves_keep_the_invariants(people, amount, vat, moves):
    u = people["users"]
    record = propose_subcontract(
        u["client"],
        {
            "title": "Chantier",
            "amount_cents": amount,
            "vat_rate": vat,
            "subcontractor_profile_id": u["sub"].profile.id,
        },
    )
    db.session.commit()
    frozen = (record.amount_cents, record.vat_rate)
    expected_status = "proposed"
    for who, to in moves:
        before = snapshot(record.id)
        allowed = PARTY.get(who) in TRANSITIONS.get((expected_status, to), ())
        try:
            with db.session.begin_nested():
                number = f"F-{record.id}-{len(before[4])}" if to == "invoiced" else ""
                transition(u[who], db.session.get(Subcontract, record.id), to, number)
            db.session.commit()
            moved = True
        except DomainError as error:
            db.session.rollback()
            moved = False
            assert error.status in (404, 409, 422), error
        assert moved == allowed, (who, expected_status, to)
        after = snapshot(record.id)
        if moved:
            expected_status = to
            assert after[0] == to
            assert after[4][:-1] == before[4]
            assert after[4][-1] == (before[0], to, u[who].profile.id)
        else:
            assert after == before, "a refused move changed the record"
        # Invariants: legal state, frozen amounts, a complete and consistent history.
        status, cents, rate, _starts, history = after
        assert status in SubcontractStatus.values()
        assert (cents, rate) == frozen
        assert history[0] == (None, "proposed", u["client"].profile.id)
        for previous, event in itertools.pairwise(history):
            assert event[0] == previous[1]
            who_may = TRANSITIONS[(event[0], event[1])]
            by = {u["client"].profile.id: "client", u["sub"].profile.id: "subcontractor"}
            assert by[event[2]] in who_may
        assert history[-1][1] == status
