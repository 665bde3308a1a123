"""Human labels for the values stored in the database (translated lazily)."""

from flask_babel import lazy_gettext as _l

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


def choices(mapping: dict) -> list[tuple[str, str]]:
    return [(str(key), label) for key, label in mapping.items()]
