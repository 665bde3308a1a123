"""Exports of a tender: the team as CSV (for spreadsheets) and the deadline as iCalendar."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from marketplace.csvexport import csv_document, decimal_comma
from marketplace.errors import NotFound
from marketplace.tenders.models import TeamForm, TeamKind, TeamRole, Tender
from marketplace.tenders.team import team_of
from marketplace.timeutil import as_utc, utcnow


def team_csv(tender: Tender) -> str:
    """The team, one member a row: UTF-8 with a BOM, ';' separated, decimal comma."""
    team = team_of(tender)
    rows: list[list[object]] = [
        [_("Member"), _("CAE"), _("Role"), _("Lots"), _("Share excl. VAT (€)"), _("Direct payment")]
    ]
    for member in team.members:
        rows.append(
            [
                member.profile.display_name,
                member.cae.name if member.cae else "",
                TeamRole(member.role).label,
                ", ".join(f"{lot.number}. {lot.title}" for lot in member.lots),
                decimal_comma(member.share_cents),
                _("yes") if member.direct_payment else "",
            ]
        )
    rows += [
        [],
        [_("Candidate"), TeamKind(team.kind).label],
        [_("Form of the group"), TeamForm.labels().get(team.form, "") if team.form else ""],
        [_("Estimated amount excl. VAT (€)"), decimal_comma(tender.estimated_amount_cents)],
        [_("Total of the shares excl. VAT (€)"), decimal_comma(team.shares_total_cents)],
    ]
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
