"""Who is told what about offers and subcontracts (through marketplace.notifications).

Every message is a notification in the site (the bell) and, by each person's setting, an
e-mail at once or in the daily digest; nothing leaves before the commit.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.notifications import Silence, notify, register_kind
from marketplace.notifications import site_path as _path
from marketplace.profiles.models import Profile
from marketplace.subcontracting.models import SubcontractStatus

register_kind("offer.response", _l("%(person)s answered your offer “%(title)s”."))
register_kind(
    "offer.accepted",
    _l("Your response to “%(title)s” is accepted: a subcontract record is proposed to you."),
)
register_kind(
    "offer.filled",
    _l("The offer “%(title)s” you answered is filled by another entrepreneur·e. Thank you!"),
)
register_kind(
    "subcontract.proposed",
    _l("%(person)s proposes the subcontract “%(title)s”: nothing is agreed until you accept it."),
)
register_kind("subcontract.moved", _l("The subcontract “%(title)s” is now: %(status)s."))

_silence = Silence("subcontracting_notify_silent")
#: No message at all (the demo data loader).
silenced = _silence.block


def _tell(profile: Profile, kind: str, url: str, **args) -> None:
    if _silence.on:
        return
    notify(profile.user, kind, url, **args)


def _record_path(record) -> str:
    return _path("subcontracts.show", record_id=record.id)


def response_received(response) -> None:
    offer = response.offer
    _tell(
        offer.owner,
        "offer.response",
        _path("offers.show", offer_id=offer.id),
        person=response.responder.display_name,
        title=offer.title,
    )


def response_accepted(response, record) -> None:
    _tell(response.responder, "offer.accepted", _record_path(record), title=response.offer.title)


def responses_not_retained(offer, responses) -> None:
    for response in responses:
        _tell(
            response.responder,
            "offer.filled",
            _path("offers.show", offer_id=offer.id),
            title=offer.title,
        )


def subcontract_proposed(record) -> None:
    _tell(
        record.subcontractor,
        "subcontract.proposed",
        _record_path(record),
        person=record.client.display_name,
        title=record.title,
    )


def subcontract_moved(record, by_party: str | None) -> None:
    """Tell the other party of a move (both parties of a move by the CAE's managers)."""

    if by_party == "subcontractor":
        told = [record.client]
    elif by_party == "client":
        told = [record.subcontractor]
    else:
        told = [record.client, record.subcontractor]
    for person in told:
        _tell(
            person,
            "subcontract.moved",
            _record_path(record),
            title=record.title,
            status=SubcontractStatus(record.status).label,
        )
