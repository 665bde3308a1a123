"""One object of each kind, built through the operations, and the people around them.

Used by the authorization matrix and the CSRF tests: a module-scoped app whose requests never
commit (``g.rollback_only``), so every request of the matrix sees the same world.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import g
from sqlalchemy import select, text

from marketplace import create_app
from marketplace.actors import SYSTEM
from marketplace.extensions import db
from marketplace.search.concepts import add_concept
from marketplace.timeutil import utcnow

PASSWORD = "Abeilles-Coop-2026"

#: The roles of the matrix, in the order of its columns.
ROLES = ("anonymous", "pending", "other_cae", "same_cae", "owner", "coordinator", "manager",
         "admin")  # fmt: skip


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


def world_config(database_url: str, folder: Path, **extra: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_DIR": str(folder / "mail"),
        "INDEX_DIR": str(folder / "index"),
        "MEDIA_DIR": str(folder / "media"),
        "SERVER_NAME": "localhost",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(extra)
    return config


def never_commit(app) -> None:
    """Every request of this app rolls back: the world stays as built."""

    @app.before_request
    def _rollback_only():
        g.rollback_only = True


def empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608


def _person(cae, first: str, *, role: str = "member", verified: bool = True, audience="cae"):
    from marketplace.accounts.operations import create_account
    from marketplace.profiles.operations import update_profile

    user = create_account(
        SYSTEM,
        email=f"{first.lower()}@example.org",
        first_name=first,
        last_name="Essaim",
        cae=cae,
        status="employee",
        password=PASSWORD,
        role=role,
        verified=verified,
    )
    if user.profile is not None:
        update_profile(SYSTEM, user.profile, {
            "audience": audience, "headline": f"{first} au travail", "department": "69",
            "skills": [{"name": "Menuiserie", "level": 3}],
        })  # fmt: skip
    return user


def build_world() -> World:
    """The people of the matrix and one object of each kind, all visible to CAE A only."""
    from marketplace.accounts.operations import create_api_token
    from marketplace.alerts.models import Alert
    from marketplace.approvals.tenders import request_approvals
    from marketplace.caes.models import Cae
    from marketplace.collectives import decisions, threads
    from marketplace.collectives import membership as cm
    from marketplace.collectives import operations as co
    from marketplace.conversations import operations as conversations
    from marketplace.conversations import reports
    from marketplace.demo.photos import portrait
    from marketplace.jobs.outbox import enqueue
    from marketplace.notifications.models import Notification
    from marketplace.profiles.photos import LARGE, set_photo
    from marketplace.subcontracting.operations import create_offer, respond
    from marketplace.subcontracting.records import propose_subcontract
    from marketplace.tenders.invitations import invite as invite_to_tender
    from marketplace.tenders.operations import apply, create_tender
    from marketplace.trust.models import Recommendation

    a = Cae(name="Coop A", department="69", city="Lyon")
    b = Cae(name="Coop B", department="44", city="Nantes")
    db.session.add_all([a, b])
    db.session.flush()
    w = World()
    u = w.users
    u["pending"] = _person(a, "Pauline", verified=False)
    u["other_cae"] = _person(b, "Octave")
    u["same_cae"] = _person(a, "Sarah")
    u["owner"] = _person(a, "Olga")
    u["coordinator"] = _person(a, "Corentin")
    u["manager"] = _person(a, "Manon", role="manager")
    u["admin"] = _person(None, "Adam", role="admin")
    u["sub"] = _person(a, "Samir")
    u["joiner"] = _person(a, "Jade")
    u["invitee"] = _person(a, "Ivan")
    db.session.flush()
    set_photo(SYSTEM, u["owner"].profile, portrait("olga@example.org"))

    collective = co.create_collective(u["coordinator"], {
        "name": "Charpentiers du Rhône", "description": "Entraide", "sector": "Bâtiment",
        "audience": "cae", "join_policy": "request",
    })  # fmt: skip
    invitation = cm.invite(u["coordinator"], collective, u["owner"], "Bienvenue")
    cm.respond_invitation(u["owner"], invitation, accept=True)
    request = cm.join(u["joiner"], collective, "Bonjour")["request"]
    pending_invitation = cm.invite(u["coordinator"], collective, u["invitee"], "Viens")
    decision = decisions.open_decision(u["coordinator"], collective, {
        "title": "Acheter une scie", "closes_at": (utcnow() + timedelta(days=7)).isoformat(),
    })  # fmt: skip
    thread = threads.open_thread(
        u["coordinator"], collective, {"title": "Scies", "body": "Laquelle ?"}
    )

    tender = create_tender(u["owner"], {
        "title": "Rénovation de l'école", "buyer": {"name": "Ville de Lyon", "kind": "public"},
        "reference": "2026-1", "procedure": "MAPA",
        "deadline": (utcnow() + timedelta(days=10)).isoformat(), "city": "Lyon",
        "department": "69", "estimated_amount_cents": 1_000_000, "audience": "cae",
        "lots": [{"number": 1, "title": "Menuiseries", "skills": ["Menuiserie"],
                  "estimated_amount_cents": 1_000_000}],
    })  # fmt: skip
    application = apply(u["sub"], tender, {
        "lot_ids": [tender.lots[0].id], "role": "cotraitant", "message": "Disponible",
    })  # fmt: skip

    today = utcnow().date()
    offer = create_offer(u["owner"], {
        "title": "Pose de fenêtres", "description": "Deux jours de pose", "skills": ["Menuiserie"],
        "city": "Lyon", "department": "69", "starts_on": today + timedelta(days=10),
        "ends_on": today + timedelta(days=12), "budget_cents": 100_000, "audience": "cae",
    })  # fmt: skip
    response = respond(u["sub"], offer, {"message": "Disponible", "price_cents": 90_000})
    record = propose_subcontract(u["owner"], {
        "title": "Pose", "subcontractor_profile_id": u["sub"].profile.id,
        "amount_cents": 50_000, "vat_rate": "20.0", "starts_on": today,
        "ends_on": today + timedelta(days=3),
    })  # fmt: skip
    conversation = conversations.start(u["owner"], {
        "to_profile_id": u["sub"].profile.id, "subject": "Pose", "body": "Bonjour Samir",
    })  # fmt: skip
    message = conversations.reply(u["sub"], conversation, {"body": "Bonjour Olga"})
    report = reports.report(u["owner"], conversation, {"message_id": message.id})
    tender_invitation = invite_to_tender(u["owner"], tender, {
        "profile_id": u["invitee"].profile.id, "lot_ids": [tender.lots[0].id],
        "role": "subcontractor",
    })  # fmt: skip
    db.session.flush()
    # The CAE is asked to sign the team; the owner proposes a change of status.
    approval = request_approvals(SYSTEM, tender)[0]
    u["owner"].profile.status_proposed = "associate"
    db.session.flush()

    for name in ROLES[1:]:
        token, clear = create_api_token(SYSTEM, u[name], "matrix")
        w.tokens[name] = clear
        if name == "owner":
            w.ids["token_id"] = token.id
    # A recommendation of the owner by the subcontractor (written as if the work were done).
    recommendation = Recommendation(
        subcontract_id=record.id, author_profile_id=u["sub"].profile.id,
        recommended_profile_id=u["owner"].profile.id, body="Travail soigné", hidden=False,
    )  # fmt: skip
    db.session.add(recommendation)
    failed_mail = enqueue("adam@example.org", "Bienvenue", "Bonjour")
    failed_mail.status, failed_mail.attempts, failed_mail.last_error = "failed", 8, "refusé"
    concept, _created = add_concept(SYSTEM, "fenêtres sur mesure", "Menuiserie")
    db.session.flush()
    alert = Alert(user_id=u["owner"].id, kind="offers", q="menuiserie", frequency="instant")
    db.session.add(alert)
    db.session.flush()
    notification_id = db.session.scalar(
        select(Notification.id).where(Notification.user_id == u["owner"].id).limit(1)
    )
    w.ids.update(
        cae_id=a.id, other_cae_id=b.id, profile_id=u["owner"].profile.id,
        collective_id=collective.id, decision_id=decision.id, thread_id=thread.id,
        invitation_id=pending_invitation.id, request_id=request.id, tender_id=tender.id,
        application_id=application.id, lot_id=tender.lots[0].id, offer_id=offer.id,
        response_id=response.id,
        record_id=record.id, notification_id=notification_id or 0, outbox_id=failed_mail.id,
        approval_id=approval.id,
        conversation_id=conversation.id, message_id=message.id, report_id=report.id,
        tender_invitation_id=tender_invitation.id, recommendation_id=recommendation.id,
        concept_id=concept.id if concept else 0,
        size=LARGE,
        alert_id=alert.id,
    )  # fmt: skip
    return w


def make_world_app(database_url: str, folder: Path, **extra: Any):
    app = create_app(world_config(database_url, folder, **extra))
    return app


@contextmanager
def world_in(database_url: str, folder: Path) -> Iterator[tuple[Any, World]]:
    """The world committed once in an app whose requests never commit; emptied afterwards."""
    app = make_world_app(database_url, folder)
    never_commit(app)
    with app.app_context():
        world = build_world()
        db.session.commit()
        yield app, world
        db.session.remove()
        empty_tables()
        db.engine.dispose()


def client_as(app, world: World, role: str, api: bool) -> tuple[Any, dict[str, str]]:
    """A test client and headers for ``role``: a bearer token for the API, a session otherwise."""
    client = app.test_client()
    headers: dict[str, str] = {}
    if role != "anonymous":
        if api:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        else:
            with client.session_transaction() as session:
                session["_user_id"] = world.users[role].get_id()
                session["_fresh"] = True
    return client, headers
