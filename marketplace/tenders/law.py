"""What the law says of a tender's team, in words: the texts of the page, the team sheet, the CSV
and the help. The buyer's kind decides the law: a public buyer follows the Code de la commande
publique (groupements R2142-19 to R2142-27, subcontracting L2193-4 and R2193-10), a private one
the law 75-1334 of 31 December 1975 on subcontracting (art. 3, 12 and 14).

Takes the facts team.py works out (duck-typed: this module imports no team, team imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.formatting import datetime_short, money
from marketplace.tenders.models import TenderRole


@dataclass
class Warning:
    """Something to check in a team; nothing was refused."""

    code: str
    message: str


def _cae_name(cae: Any) -> str:
    return cae.name if cae is not None else _("no CAE")


def rate_words(rate: Decimal | str) -> str:
    """« 5,5 % » in French, "5.5 %" in English."""
    return _("%(rate)s %%", rate=format_decimal(Decimal(rate), format="#,##0.#"))


def _lot_name(lot: Any) -> str:
    return _("The contract") if lot is None else _("Lot %(n)d", n=lot.number)


def _lots_words(numbers: list[int]) -> str:
    if numbers == [0]:
        return _("the contract")
    return ", ".join(str(n) for n in numbers)


# ---------------------------------------------------------------------------------------------
# Labels that depend on the team


def role_label(member: Any, team: Any) -> str:
    """A member's role in words: no groupement vocabulary for one CAE (responsable du dossier,
    entrepreneur·e of the CAE), mandataire and cotraitant only where a groupement is."""
    lead = team.lead
    same_as_lead = lead is not None and _key(member.cae) == _key(lead.cae)
    if member.role == "subcontractor":
        return (
            str(ROLES_IN_THE_CAE["subcontractor"]) if member.internal_split else _("subcontractor")
        )
    if member.role == "lead":
        return _("mandataire") if team.groupement else _("person in charge of the bid")
    if team.single_cae or same_as_lead:
        return str(ROLES_IN_THE_CAE["cotraitant"])
    in_groupement = any(
        shape.shape == "groupement" and _key(member.cae) in {_key(c) for c in shape.caes}
        for shape in team.lots
    )
    return _("cotraitant") if in_groupement else _("own application on its lots")


#: The roles of someone of the lead's own CAE: the CAE is the one candidate, so its people are
#: neither cotraitants nor subcontractors of each other.
ROLES_IN_THE_CAE = {
    "cotraitant": _l("member of the CAE"),
    "subcontractor": _l("internal split (same CAE)"),
}


def apply_roles(same_cae: bool) -> dict[str, Any]:
    """The roles one applies or is invited with, by value, in words: those of the CAE for
    someone of the lead's CAE, else cotraitant and subcontractor."""
    return ROLES_IN_THE_CAE if same_cae else TenderRole.labels()


def apply_role_label(role: str, same_cae: bool) -> str:
    return str(apply_roles(same_cae).get(role, role))


def _key(cae: Any) -> int | None:
    return cae.id if cae is not None else None


def shape_label(shape: Any) -> str:
    if shape.shape == "no_candidate":
        return _("no candidate yet")
    if shape.shape == "single_candidate":
        return _("%(cae)s, a single candidate", cae=_cae_name(shape.caes[0]))
    names = ", ".join(_cae_name(c) for c in shape.caes)
    forms = {"conjoint": _("conjoint"), "solidaire": _("solidaire")}
    form = forms.get(shape.form or "", _("form to choose"))
    return _("groupement (%(form)s) of %(names)s", form=form, names=names)


def vat_words(member: Any) -> str:
    """How the share is priced including VAT: the regime of the member's lots."""
    lots = member.vat_lots
    regimes = {lot.vat_regime for lot in lots}
    if lots and regimes == {"reverse_charge"}:
        return _("reverse charge: paid excluding VAT")
    if lots and regimes == {"exempt"}:
        return _("exempt from VAT")
    rates = {lot.vat_rate for lot in lots if lot.vat_regime == "standard"}
    if len(regimes) > 1 or len(rates) > 1:
        return _("at the lowest VAT of its lots, %(rate)s", rate=rate_words(member.vat_rate))
    return _("VAT at %(rate)s", rate=rate_words(member.vat_rate))


# ---------------------------------------------------------------------------------------------
# The explanation


def explain(tender: Any, team: Any) -> list[str]:
    """The team in plain words, per lot, with the law of the buyer's kind."""
    public = tender.buyer_kind == "public"
    lines = _candidates(tender, team, public)
    lines += _timing(tender, public)
    lines += _forms(team, public)
    for member in team.subcontractors:
        lines += _subcontractor(tender, team, member, public)
    return lines


def _candidates(tender: Any, team: Any, public: bool) -> list[str]:
    lead = team.lead
    if team.single_cae:
        return [
            _(
                "One candidate: %(cae)s. Its entrepreneur·es answer together inside the CAE, "
                "which is one company: it applies alone, its legal representative signs, and the "
                "work and the turnover are shared inside the CAE. %(name)s is the person in "
                "charge of the bid.",
                cae=_cae_name(team.caes[0] if team.caes else None),
                name=lead.profile.display_name if lead else "—",
            )
        ]
    names = ", ".join(_cae_name(c) for c in team.caes)
    if public:
        first = _(
            "The team brings together %(n)d CAEs (%(names)s). Each lot is its own contract "
            "(L2113-10): who the candidate is, alone or in a groupement, is decided lot by lot.",
            n=len(team.caes),
            names=names,
        )
    else:
        first = _(
            "The team brings together %(n)d CAEs (%(names)s). Each lot is its own contract: "
            "who the candidate is, alone or in a groupement, is decided lot by lot.",
            n=len(team.caes),
            names=names,
        )
    lines = [first]
    for shape in team.lots:
        line = _("%(lot)s: %(shape)s.", lot=_lot_name(shape.lot), shape=shape_label(shape))
        if shape.shape == "groupement" and shape.mandataire is not None:
            line += " " + _(
                "Mandataire: %(cae)s (%(name)s), who represents the groupement to the buyer.",
                cae=_cae_name(shape.mandataire.cae),
                name=shape.mandataire.profile.display_name,
            )
        elif shape.shape == "groupement":
            line += " " + _("The groupement needs a mandataire among its members.")
        lines.append(line)
    if not team.groupement:
        lines.append(
            _(
                "CAEs on different lots do not by themselves form a groupement: each applies "
                "alone for its own lots."
            )
        )
        return lines
    lines.append(_form_words(team.form, public))
    if public:
        lines.append(
            _(
                "One operator may not be mandataire of two groupements for the same contract "
                "(R2142-23)."
            )
        )
    return lines


def _form_words(form: str | None, public: bool) -> str:
    if form == "conjoint":
        if public:
            return _(
                "Conjoint groupement: each member commits only to its own part of the services "
                "(R2142-20); the mandataire is jointly liable for the others only if the "
                "consultation documents say so (R2142-24)."
            )
        return _(
            "Conjoint groupement: each member commits only to its own part; write in the "
            "agreement between the CAEs who is liable for what."
        )
    if form == "solidaire":
        if public:
            return _(
                "Solidaire groupement: each member is committed for the whole contract (R2142-20)."
            )
        return _("Solidaire groupement: each member is committed for the whole contract.")
    return _("The form of the groupement is still to choose: conjoint or solidaire.")


def _timing(tender: Any, public: bool) -> list[str]:
    if tender.two_phase and tender.applications_deadline is not None:
        when = datetime_short(tender.applications_deadline)
        if public:
            return [
                _(
                    "Procedure in two phases: the team is fixed when the applications are handed "
                    "in (%(date)s, Paris time), not at the offers' deadline (R2142-26). Nobody "
                    "joins or leaves it after that.",
                    date=when,
                )
            ]
        return [
            _(
                "Procedure in two phases: the team is fixed when the applications are handed in "
                "(%(date)s, Paris time), not at the offers' deadline. Nobody joins or leaves it "
                "after that.",
                date=when,
            )
        ]
    if tender.two_phase:
        return [
            _(
                "Procedure in two phases: give the applications' deadline; the team is fixed "
                "then, not at the offers' deadline."
            )
        ]
    return [
        _(
            "The team is fixed when the application and the offer are handed in together "
            "(%(date)s, Paris time).",
            date=datetime_short(tender.deadline),
        )
    ]


def _forms(team: Any, public: bool) -> list[str]:
    if not public:
        return [
            _(
                "A private buyer: the public procurement forms DC1, DC2, DC4 and the DUME are "
                "not required; answer with the buyer's own documents."
            )
        ]
    if team.single_cae:
        return [
            _(
                "Forms: the CAE applies alone, with a DC1 (or a DUME) signed by its legal "
                "representative and its DC2."
            )
        ]
    if not team.groupement:
        return [
            _(
                "Forms: each CAE applies alone for its own lots, with a DC1 (or a DUME) signed by "
                "its legal representative and its DC2."
            )
        ]
    return [
        _(
            "Forms: where there is a groupement, one DC1 names its members, the mandataire and "
            "who does what, and is signed by each member CAE (not by “the groupement”); each CAE "
            "fills its own DC2 for the lots it applies for. A DUME per CAE can replace DC1 and "
            "DC2."
        )
    ]


def _subcontractor(tender: Any, team: Any, member: Any, public: bool) -> list[str]:
    name = member.profile.display_name
    boss = team.member(member.works_for_profile_id)
    boss_name = boss.profile.display_name if boss else "—"
    if member.internal_split:
        return [
            _(
                "%(name)s works for %(boss)s in the same CAE (%(cae)s): the work is shared "
                "inside one company. This is not a subcontract (a subcontract is between two "
                "persons, law 75-1334 art. 1): no DC4, no direct payment, no invoice between "
                "them.",
                name=name,
                boss=boss_name,
                cae=_cae_name(member.cae),
            )
        ]
    lines = [
        _(
            "%(name)s (%(cae)s) is a subcontractor of %(boss)s: no contract with the buyer; "
            "its share is counted inside %(boss)s's.",
            name=name,
            cae=_cae_name(member.cae),
            boss=boss_name,
        )
    ]
    if member.cae is not None and all(_key(member.cae) != _key(c) for c in team.caes):
        lines.append(
            _(
                "%(name)s belongs to another CAE (%(cae)s) and works as a subcontractor: "
                "this does not make a groupement.",
                name=name,
                cae=member.cae.name,
            )
        )
    if not public:
        lines.append(
            _(
                "Private buyer, law 75-1334 of 31 December 1975: the maître d'ouvrage must "
                "accept %(name)s and approve its payment terms (art. 3); %(name)s has an action "
                "directe against the maître d'ouvrage if %(boss)s does not pay (art. 12); "
                "%(boss)s must give %(name)s a bank guarantee (caution) or a payment delegation "
                "on the maître d'ouvrage, or the subcontract is void (art. 14).",
                name=name,
                boss=boss_name,
            )
        )
        return lines
    lines.append(
        _(
            "The buyer must accept %(name)s and approve its payment terms (L2193-4): a DC4 "
            "with the offer, or an acte spécial later.",
            name=name,
        )
    )
    lines.append(_direct_payment_words(member))
    return lines


def _direct_payment_words(member: Any) -> str:
    name = member.profile.display_name
    if member.share_cents is None:
        return _(
            "%(name)s's share is not set yet: from 600 € incl. VAT, an accepted subcontractor "
            "whose payment terms were approved is paid directly by the buyer (R2193-10).",
            name=name,
        )
    amounts = {
        "name": name,
        "ht": money(member.share_cents),
        "ttc": money(member.share_incl_vat_cents),
        "vat": vat_words(member),
    }
    if member.direct_payment:
        return _(
            "%(name)s's share reaches 600 € incl. VAT (%(ht)s excl. VAT, %(ttc)s incl. VAT, "
            "%(vat)s): once accepted with its payment terms approved, %(name)s has the right to "
            "be paid directly by the buyer (R2193-10), a right it cannot give up.",
            **amounts,
        )
    return _(
        "%(name)s's share is below 600 € incl. VAT (%(ht)s excl. VAT, %(ttc)s incl. VAT, "
        "%(vat)s): no direct payment; the member it works for pays it.",
        **amounts,
    )


# ---------------------------------------------------------------------------------------------
# Warnings about other teams for the same contract


def two_teams_warning(cae: str, numbers: list[int], *, public: bool) -> Warning:
    if public:
        message = _(
            "%(cae)s is also a candidate in another team for the same contract (same buyer and "
            "reference), lots: %(lots)s. The consultation rules may forbid one operator to "
            "appear in several offers (R2142-21): check them.",
            cae=cae,
            lots=_lots_words(numbers),
        )
    else:
        message = _(
            "%(cae)s is also a candidate in another team for the same contract (same buyer and "
            "reference), lots: %(lots)s. The buyer's consultation rules may forbid one company "
            "to appear in several offers: check them.",
            cae=cae,
            lots=_lots_words(numbers),
        )
    return Warning("cae_in_two_teams", message)


def two_groupements_warning(cae: str, numbers: list[int], *, public: bool) -> Warning:
    if public:
        message = _(
            "%(cae)s is mandataire of another groupement for the same contract, lots: "
            "%(lots)s. One operator may not be mandataire of two groupements for the same "
            "contract (R2142-23).",
            cae=cae,
            lots=_lots_words(numbers),
        )
    else:
        message = _(
            "%(cae)s is mandataire of another groupement for the same contract, lots: "
            "%(lots)s. Check that the buyer's consultation rules allow it.",
            cae=cae,
            lots=_lots_words(numbers),
        )
    return Warning("mandataire_of_two_groupements", message)


# ---------------------------------------------------------------------------------------------
# Help on the forms

#: The law of a private buyer in short (law 75-1334 of 31 December 1975), on the page and the sheet.
PRIVATE_LAW = _l(
    "The public procurement rules and forms do not apply. A subcontractor of another CAE must be "
    "accepted, with its payment terms, by the maître d'ouvrage (art. 3); it has an action "
    "directe against the maître d'ouvrage (art. 12); the member it works for gives it a bank "
    "guarantee or a payment delegation, or the subcontract is void (art. 14)."
)

#: What each form is for (public buyers; optional models, the buyer may ask for its own).
FORMS_HELP = (
    (
        "DC1",
        _l(
            "Lettre de candidature: names the candidate, or each member of a groupement, its "
            "mandataire and who does which lot. Signed by each member (each CAE's legal "
            "representative), not by “the groupement”."
        ),
    ),
    (
        "DC2",
        _l(
            "Déclaration du candidat: one per candidate (each CAE of a groupement fills its "
            "own), with its capacities for the lots it applies for."
        ),
    ),
    (
        "DC4",
        _l(
            "Déclaration de sous-traitance: names a subcontractor, its services and amount, and "
            "asks the buyer to accept it and approve its payment terms (L2193-4), with the offer "
            "or later (acte spécial). Not for work shared inside one CAE."
        ),
    ),
    (
        "DUME",
        _l(
            "Document unique de marché européen: can replace DC1 and DC2 (R2143-4); one per "
            "candidate, and one per member of a groupement."
        ),
    ),
)

#: The same help for a team of one CAE: one candidate, no groupement words.
FORMS_HELP_ONE_CAE = (
    (
        "DC1",
        _l(
            "Lettre de candidature: names the candidate, the CAE, and the lots it applies for. "
            "Signed by the CAE's legal representative."
        ),
    ),
    (
        "DC2",
        _l(
            "Déclaration du candidat: the CAE's own, with its capacities for the lots it "
            "applies for."
        ),
    ),
    FORMS_HELP[2],
    (
        "DUME",
        _l(
            "Document unique de marché européen: can replace DC1 and DC2 (R2143-4); one, the CAE's."
        ),
    ),
)


def forms_help(team: Any) -> tuple[tuple[str, Any], ...]:
    """What each form is for, in the words of the team: a single CAE is one candidate."""
    return FORMS_HELP_ONE_CAE if team.single_cae else FORMS_HELP
