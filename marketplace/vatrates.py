"""The French VAT rates, one value set for the subcontract records and the lots of a tender."""

from flask_babel import lazy_gettext as _l

from marketplace.enums import LabelledEnum


class VatRate(LabelledEnum):
    """French VAT rates of the standard regime, stored as text so that every database keeps
    them exact (mainland, overseas and Corsican rates; subcontracting/vat.py says which apply
    where)."""

    STANDARD = "20.0", _l("20 %")
    CORSICA = "13.0", _l("13 % (Corsica)")
    INTERMEDIATE = "10.0", _l("10 %")
    OVERSEAS = "8.5", _l("8.5 % (Guadeloupe, Martinique, La Réunion)")
    REDUCED = "5.5", _l("5.5 %")
    SUPER_REDUCED = "2.1", _l("2.1 %")
    CORSICA_SPECIAL = "0.9", _l("0.9 % (Corsica)")
