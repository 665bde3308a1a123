"""VAT between two CAEs: which regime and rate a record carries, and where each rate applies.

Inside one CAE there is no VAT at all (one legal entity: the record is an internal transfer).
Between two CAEs the record is an invoice under one regime (models.VatRegime):
- ``standard``: VAT charged at a rate of the place (CGI art. 278 to 281 nonies; overseas
  art. 296; Corsica art. 297);
- ``reverse_charge``: building work done by a subcontractor, invoiced excluding VAT with the
  mention "Autoliquidation" (CGI art. 283-2 nonies);
- ``exempt``: professional training by a recognised body (CGI art. 261-4-4° a).
"""

from __future__ import annotations

from flask_babel import gettext as _

from marketplace.errors import ValidationError
from marketplace.subcontracting.models import SubcontractKind, VatRate, VatRegime

MAINLAND_RATES = ("20.0", "10.0", "5.5", "2.1")
#: Guadeloupe, Martinique and La Réunion (CGI art. 296).
OVERSEAS_RATES = ("8.5", "2.1")
OVERSEAS_DEPARTMENTS = ("971", "972", "974")
#: Corsica: the mainland rates and its own (CGI art. 297).
CORSICA_RATES = ("20.0", "13.0", "10.0", "5.5", "2.1", "0.9")
CORSICA_DEPARTMENTS = ("2A", "2B")
#: Guyane and Mayotte: VAT does not apply there for now; no rate is checked.
UNCHECKED_DEPARTMENTS = ("973", "976")


def rates_for(department: str | None) -> tuple[str, ...]:
    """The standard-regime rates that apply in this department (all of them when unknown)."""
    if department in OVERSEAS_DEPARTMENTS:
        return OVERSEAS_RATES
    if department in CORSICA_DEPARTMENTS:
        return CORSICA_RATES
    if department is None or department in UNCHECKED_DEPARTMENTS:
        return VatRate.values()
    return MAINLAND_RATES


def default_rate(department: str | None) -> str:
    """The normal rate of the place: 8.5 % overseas, 20 % elsewhere."""
    return "8.5" if department in OVERSEAS_DEPARTMENTS else VatRate.STANDARD.value


def vat_terms(
    kind: str, regime: str | None, rate: str | None, place: str | None
) -> tuple[str | None, str | None]:
    """(regime, rate) of a record of this kind, from what the client gave: nothing for internal
    work (whatever was sent: the parties' CAEs decide); for an invoice, the standard regime by
    default, a rate only with it (the place's normal rate by default), checked against the
    place (a department code, or None when unknown). ValidationError with French messages."""
    if kind == SubcontractKind.INTERNAL.value:
        return None, None
    if regime is None:
        regime = VatRegime.EXEMPT.value if rate == "0" else VatRegime.STANDARD.value
    if regime != VatRegime.STANDARD.value:
        if rate not in (None, "0"):
            message = _("No VAT rate under reverse charge or exemption: leave the rate empty.")
            raise ValidationError(_("Some fields need your attention."), {"vat_rate": [message]})
        return regime, None
    if rate in (None, "0"):
        if rate == "0":
            message = _("A rate of 0 is an exemption: choose the exempt regime.")
            raise ValidationError(_("Some fields need your attention."), {"vat_rate": [message]})
        rate = default_rate(place)
    allowed = rates_for(place)
    if rate not in allowed:
        message = _(
            "This rate does not apply where the work is done (%(department)s): %(rates)s.",
            department=place,
            rates=", ".join(str(VatRate.label_of(r)) for r in allowed),
        )
        raise ValidationError(_("Some fields need your attention."), {"vat_rate": [message]})
    return regime, rate
