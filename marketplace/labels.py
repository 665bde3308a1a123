"""Human labels for the values stored in the database (translated lazily)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

STATUS = {
    "project_holder": _l("project holder (CAPE)"),
    "employee": _l("employee-entrepreneur (CESA)"),
    "associate": _l("associate entrepreneur (ESA)"),
}
AVAILABILITY = {
    "available": _l("available"),
    "partial": _l("partly available"),
    "unavailable": _l("unavailable"),
}
AUDIENCE = {
    "cae": _l("members of my CAE"),
    "network": _l("members of every CAE"),
    "public": _l("everyone (public)"),
}
LEVEL = {
    1: _l("notions"),
    2: _l("intermediate"),
    3: _l("confirmed"),
    4: _l("expert"),
}
ROLE = {
    "member": _l("member"),
    "manager": _l("CAE manager"),
    "admin": _l("administrator"),
}
MEMBERSHIP = {
    "pending": _l("awaiting verification"),
    "verified": _l("verified"),
    "refused": _l("refused"),
}
AUDIT_ACTION = {
    "membership": _l("membership decision"),
    "role": _l("role change"),
    "cae_created": _l("CAE added"),
    "cae_updated": _l("CAE edited"),
    "account_deleted": _l("account deleted"),
}
#: Statuses of a tender (un appel d'offres: masculine in French, unlike an offer).
TENDER_STATUS = {
    "open": _lp("tender", "open"),
    "team_formed": _l("team formed"),
    "submitted": _l("offer submitted"),
    "won": _l("won"),
    "lost": _l("lost"),
    "cancelled": _lp("tender", "cancelled"),
}
#: The action that moves a tender to a status (buttons).
TENDER_MOVE = {
    "open": _l("Reopen the team"),
    "team_formed": _l("The team is formed"),
    "submitted": _l("The offer is submitted"),
    "won": _l("Won"),
    "lost": _l("Lost"),
    "cancelled": _l("Cancel the tender"),
}
BUYER_KIND = {"public": _l("public buyer"), "private": _l("private buyer")}
TEAM_ROLE = {
    "lead": _l("mandataire"),
    "cotraitant": _l("cotraitant"),
    "subcontractor": _l("subcontractor"),
}
APPLY_ROLE = {"cotraitant": _l("cotraitant"), "subcontractor": _l("subcontractor")}
TEAM_KIND = {
    "single_cae": _l("one CAE (a single candidate)"),
    "multi_cae": _l("a groupement of CAEs"),
}
TEAM_FORM = {"conjoint": _l("conjoint"), "solidaire": _l("solidaire")}
APPLICATION_STATE = {
    "pending": _l("pending"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
}


def choices(mapping: dict) -> list[tuple[str, str]]:
    return [(str(key), label) for key, label in mapping.items()]


OFFER_STATUS = {
    "open": _l("open"),
    "filled": _l("filled"),
    "closed": _l("closed"),
}
RESPONSE_STATUS = {
    "pending": _l("awaiting an answer"),
    "accepted": _l("accepted"),
    "not_retained": _l("not retained"),
}
SUBCONTRACT_STATUS = {
    "proposed": _l("proposed"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "in_progress": _l("in progress"),
    "delivered": _l("delivered"),
    "invoiced": _l("invoiced"),
    "paid": _l("paid"),
    "cancelled": _l("cancelled"),
}
#: The button that makes each move.
SUBCONTRACT_MOVE = {
    "accepted": _l("Accept"),
    "declined": _l("Decline"),
    "in_progress": _l("Start the work"),
    "delivered": _l("Mark as delivered"),
    "invoiced": _l("Mark as invoiced"),
    "paid": _l("Confirm payment"),
    "cancelled": _l("Cancel"),
}
VAT_RATE = {
    "20.0": _l("20 %"),
    "10.0": _l("10 %"),
    "5.5": _l("5.5 %"),
    "2.1": _l("2.1 %"),
    "0.0": _l("0 % (exempt)"),
}
