"""Exports of a tender: the team as CSV (for spreadsheets) and the deadline as iCalendar."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from marketplace.csvexport import csv_document, decimal_comma
from marketplace.errors import NotFound
from marketplace.tenders import law
from marketplace.tenders.models import TeamForm, TeamKind, Tender
from marketplace.tenders.team import team_of
from marketplace.timeutil import as_utc, utcnow


def team_csv(tender: Tender) -> str:
    """The team, one member a row: UTF-8 with a BOM, ';' separated, decimal comma. The words
    follow the team (no groupement vocabulary for one CAE) and the buyer's law."""
    team = team_of(tender)
    public = tender.buyer_kind == "public"
    rows: list[list[object]] = [
        [
            _("Member"),
            _("CAE"),
            _("Role"),
            _("Works for"),
            _("Lots"),
            _("Share excl. VAT (€)"),
            _("Share incl. VAT (€)"),
            _("VAT"),
            _("Direct payment"),
        ]
    ]
    for member in team.members:
        boss = team.member(member.works_for_profile_id)
        rows.append(
            [
                member.profile.display_name,
                member.cae.name if member.cae else "",
                law.role_label(member, team),
                boss.profile.display_name if boss else "",
                ", ".join(f"{lot.number}. {lot.title}" for lot in member.lots),
                decimal_comma(member.share_cents),
                decimal_comma(member.share_incl_vat_cents),
                law.vat_words(member) if member.share_incl_vat_cents is not None else "",
                _("yes") if member.direct_payment else "",
            ]
        )
    rows += [
        [],
        [
            _("Law that applies"),
            _("Code de la commande publique")
            if public
            else _("Law 75-1334 of 31 December 1975 on subcontracting"),
        ],
        [_("Candidate"), TeamKind(team.kind).label],
    ]
    if team.groupement:
        rows.append(
            [
                _("Form of the groupement"),
                TeamForm.labels().get(team.form, "") if team.form else _("not chosen"),
            ]
        )
    if not team.single_cae:
        rows += [
            [_("Lot %(n)d", n=shape.lot.number), law.shape_label(shape)]
            for shape in team.lots
            if shape.lot is not None
        ]
    rows += [
        [_("Estimated amount excl. VAT (€)"), decimal_comma(tender.estimated_amount_cents)],
        [_("Total of the shares excl. VAT (€)"), decimal_comma(team.shares_total_cents)],
        [],
        [_("What applies")],
    ]
    rows += [[line] for line in team.explanation]
    return csv_document(rows)


def _escape(text: str) -> str:
    """TEXT values of RFC 5545: backslash, semicolon, comma and new lines escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (RFC 5545 §3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _stamp(value) -> str:
    return as_utc(value).strftime("%Y%m%dT%H%M%SZ")


def calendar_ics(tender: Tender, url: str, host: str = "essaim") -> str:
    """The deadline as a 30-minute VEVENT, times in UTC (NotFound when there is none: a
    public notice may give no deadline)."""
    start = as_utc(tender.deadline)
    if start is None:
        raise NotFound(_("This notice gives no deadline."))
    summary = _("Deadline: %(title)s", title=tender.title)
    description = (
        _(
            "Offers for “%(title)s” (%(buyer)s) are due.",
            title=tender.title,
            buyer=tender.buyer_name,
        )
        + "\n"
        + url
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Essaim//Appels d'offres//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:tender-{tender.id}@{host}",
        f"DTSTAMP:{_stamp(utcnow())}",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(start + timedelta(minutes=30))}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "STATUS:CANCELLED" if tender.status == "cancelled" else "STATUS:CONFIRMED",
    ]
    place = ", ".join(p for p in (tender.city, tender.department or "") if p)
    if place:
        lines.append(f"LOCATION:{_escape(place)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines)
