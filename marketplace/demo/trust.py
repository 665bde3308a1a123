"""Demo track records: on some delivered work between the demo people, both parties agree to
show it as verified by Essaim (some with the amount), and write recommendations of each other.

Goes through the operations of marketplace.trust (the same rules as the pages). Loaded once:
when a demo person has written a recommendation, nothing is added.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.demo.generate import DOMAIN
from marketplace.extensions import db
from marketplace.profiles.models import Profile
from marketplace.subcontracting.models import Subcontract
from marketplace.trust import notify
from marketplace.trust.models import DONE_STATUSES, Recommendation
from marketplace.trust.operations import recommend, set_subcontract_consent
from marketplace.trust.schemas import ConsentInput, RecommendationInput

#: What clients write about their subcontractors (and back), a few sentences, no marks.
CLIENT_WORDS = (
    "Travail soigné et rendu dans les délais, avec un compte rendu clair. Je referai appel "
    "à elle ou lui sans hésiter.",
    "Très bonne coordination sur le chantier, des propositions utiles quand un imprévu est arrivé.",
    "A su expliquer ses choix au client final ; la mission s’est déroulée sans accroc.",
    "Réactivité et sérieux : la mission a été reprise au pied levé pendant mon absence.",
)
SUBCONTRACTOR_WORDS = (
    "Un cahier des charges précis et des paiements à l’heure : une collaboration simple.",
    "Des échanges réguliers et bienveillants tout au long de la mission.",
)
#: One done record in so many gets a track record.
EVERY = 3


def _people(record: Subcontract) -> tuple[User, User]:
    return record.client.user, record.subcontractor.user


def load_trust() -> int:
    """Consents and recommendations on some done demo records; returns how many records."""
    demo = select(Profile.id).join(User, User.id == Profile.user_id)
    demo = demo.where(User.email.like(f"%@{DOMAIN}"))
    already = db.session.scalar(
        select(Recommendation.id).where(Recommendation.author_profile_id.in_(demo)).limit(1)
    )
    if already is not None:
        return 0
    records = db.session.scalars(
        select(Subcontract)
        .where(
            Subcontract.status.in_(DONE_STATUSES),
            Subcontract.client_profile_id.in_(demo),
        )
        .order_by(Subcontract.id)
    ).all()
    with notify.silenced():  # the demo tells nobody
        return _track_records(records)


def _track_records(records: Sequence[Subcontract]) -> int:
    done = 0
    for i, record in enumerate(records):
        if i % EVERY:
            continue
        client, sub = _people(record)
        amount = i % 2 == 0  # half of them show the amount, both parties allowing it
        for party in (client, sub):
            set_subcontract_consent(party, record, ConsentInput(show=True, show_amount=amount))
        words = CLIENT_WORDS[done % len(CLIENT_WORDS)]
        recommend(client, record, RecommendationInput(body=words))
        if done % 2 == 0:
            back = SUBCONTRACTOR_WORDS[done % len(SUBCONTRACTOR_WORDS)]
            recommend(sub, record, RecommendationInput(body=back))
        done += 1
    return done
