"""Writing BOAMP notices as tenders: `flask tenders import-boamp FILE` and `fetch-boamp`.

A notice is a tender with a source (``source_name`` "boamp", ``source_id`` its idweb), no
owner and no team; verified members see it (tenders/visibility.py) and build their own team's
tender from it (tenders/notices.py). Importing is idempotent by idweb: a known notice is
updated in place. Each record is written in a savepoint: a record that fails is
reported by its idweb and leaves nothing behind, the others are kept. (For speed, records go
by chunks of 50 in one savepoint; a chunk where one fails is rolled back whole and its records
written again one savepoint each.)

- A notice whose ``etat`` is ``AVIS_ANNULE`` closes (status cancelled), as does every notice a
  cancellation notice (``nature`` ANNULATION) names in ``annonce_lie``.
- A corrective notice (RECTIFICATIF) updates the notices it names in ``annonce_lie``; one
  whose original is unknown here is kept as a notice of its own.
- Results (awards) are not tenders to answer: they are counted as ignored.
Originals are written before the notices that change them, whatever the order of the file.

Only the command line and the worker run this (``actor`` SYSTEM); a request never fetches.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError

from marketplace.extensions import db
from marketplace.skills.models import Skill
from marketplace.skills.operations import get_or_create_skills
from marketplace.statemachine import compare_and_set
from marketplace.tenders.boamp import (
    BadRecord,
    Notice,
    NoticeLot,
    SkillMap,
    parse_record,
    skill_key,
)
from marketplace.tenders.models import Tender, TenderEvent, TenderLot
from marketplace.tenders.notify import notice_cancelled
from marketplace.timeutil import utcnow

log = logging.getLogger(__name__)

SOURCE = "boamp"
#: Records asked per page of the API (Opendatasoft allows at most 100).
PAGE_SIZE = 100
#: Opendatasoft serves at most offset + limit ≤ 10,000 records of one query.
MAX_OFFSET = 10_000
FETCH_TIMEOUT = 30.0
#: Records written in one savepoint; when one fails, each of them is written again in a
#: savepoint of its own, so that a bad record leaves nothing and the others are kept.
CHUNK = 50


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    closed: int = 0
    ignored: int = 0
    #: (idweb, message) of the records skipped.
    errors: list[tuple[str, str]] = field(default_factory=list)
    #: The notices created (for the alerts).
    new: list[Tender] = field(default_factory=list)
    #: The notices this import closed (their teams are told once the records are written).
    cancelled: list[Tender] = field(default_factory=list)

    def add(self, other: ImportReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.closed += other.closed
        self.ignored += other.ignored
        self.errors += other.errors
        self.new += other.new
        self.cancelled += other.cancelled

    def summary(self) -> str:
        return (
            f"Avis BOAMP : {self.created} créé(s), {self.updated} mis à jour, "
            f"{self.closed} fermé(s), {self.ignored} ignoré(s), {len(self.errors)} en erreur."
        )


def _order(notice: Notice) -> int:
    """Originals first, then their corrections, then cancellations."""
    if notice.is_cancellation or (notice.cancelled and notice.linked):
        return 2
    return 1 if notice.is_corrective else 0


class _Importer:
    def __init__(self, skill_map: SkillMap):
        self.map = skill_map
        self.report = ImportReport()
        self.known: dict[str, Tender] = {}
        self.skills: dict[str, Skill] = {}
        #: Notices created in this savepoint whose first history row is not written yet.
        self.unwritten: list[Tender] = []

    def run(self, records: Iterable[Any]) -> ImportReport:
        notices = []
        for position, record in enumerate(records, start=1):
            try:
                notices.append(parse_record(record, position))
            except BadRecord as error:
                self.report.errors.append((error.idweb, error.message))
        notices.sort(key=_order)
        self._prefetch(notices)
        for start in range(0, len(notices), CHUNK):
            chunk = notices[start : start + CHUNK]
            if not self._in_savepoint(chunk):
                for notice in chunk:  # one failed: each again alone, to keep the others
                    self._in_savepoint([notice], report_errors=True)
        tell_teams_of_cancelled_notices(self.report.cancelled)
        return self.report

    def _prefetch(self, notices: list[Notice]) -> None:
        """The known notices named by this batch, and the competences it maps to: two reads."""
        ids = {n.idweb for n in notices} | {i for n in notices for i in n.linked}
        rows = db.session.scalars(
            select(Tender).where(Tender.source_name == SOURCE, Tender.source_id.in_(ids))
        ).unique()
        self.known = {row.source_id: row for row in rows if row.source_id}
        names = {name for n in notices for name in self._notice_skills(n)}
        names |= {name for n in notices for lot in n.lots for name in self.map.for_cpv(lot.cpv)}
        self.skills = get_or_create_skills(sorted(names)) if names else {}

    def _in_savepoint(self, notices: list[Notice], report_errors: bool = False) -> bool:
        """Write these notices in one savepoint: all of them, or (False) none, their counts
        undone too; a failure is reported by its idweb when asked."""
        report = replace(
            self.report,
            errors=list(self.report.errors),
            new=list(self.report.new),
            cancelled=list(self.report.cancelled),
        )
        known = dict(self.known)
        try:
            with db.session.begin_nested():
                for notice in notices:
                    self._write(notice)
                self._first_events()
        except (SQLAlchemyError, ValueError, TypeError, KeyError) as error:
            self.report, self.known, self.unwritten = report, known, []
            if report_errors:
                log.warning("BOAMP notice %s skipped", notices[0].idweb, exc_info=True)
                message = str(getattr(error, "orig", None) or error).splitlines()[0][:200]
                self.report.errors.append((notices[0].idweb, message or type(error).__name__))
            return False
        return True

    def _write(self, notice: Notice) -> None:
        created = self._apply(notice)
        if created is not None:
            self.known[notice.idweb] = created
            self.report.created += 1
            self.report.new.append(created)
            self.unwritten.append(created)

    def _first_events(self) -> None:
        """Flush, then the history rows of the notices created since the last flush, in one
        statement (ORM objects would cost one INSERT each on SQLite, whose integer keys are
        no insert sentinels)."""
        db.session.flush()
        if self.unwritten:
            now = utcnow()
            rows = [
                {"tender_id": t.id, "actor_id": None, "from_state": None,
                 "to_state": t.status, "at": now}
                for t in self.unwritten
            ]  # fmt: skip
            db.session.execute(insert(TenderEvent), rows)
            self.unwritten = []

    def _apply(self, notice: Notice) -> Tender | None:
        """Write one notice; the tender it created, if any."""
        if notice.is_result:
            self.report.ignored += 1
            return None
        linked_known = notice.idweb not in self.known and any(
            i in self.known for i in notice.linked
        )
        if notice.is_cancellation or (notice.cancelled and linked_known):
            originals = [self.known[i] for i in notice.linked if i in self.known]
            if not originals:
                self.report.ignored += 1
            for original in originals:
                self._close(original)
            return None
        if notice.is_corrective:
            originals = [self.known[i] for i in notice.linked if i in self.known]
            for original in originals:
                self._update(original, notice, corrective=True)
            if originals:
                return None
        existing = self.known.get(notice.idweb)
        if existing is not None:
            self._update(existing, notice)
            return None
        return self._create(notice)

    def _create(self, notice: Notice) -> Tender:
        tender = Tender(
            source_name=SOURCE,
            source_id=notice.idweb,
            owner_profile_id=None,
            buyer_kind="public",
            audience="network",
            status="cancelled" if notice.cancelled else "open",
        )
        self._fill(tender, notice)
        db.session.add(tender)  # its first history row: _first_events, after the flush
        return tender

    def _update(self, tender: Tender, notice: Notice, corrective: bool = False) -> None:
        if corrective:
            self._correct(tender, notice)
        else:
            self._fill(tender, notice)
        if db.session.is_modified(tender) or any(db.session.is_modified(x) for x in tender.lots):
            tender.updated_at = utcnow()
        if notice.cancelled:
            self._close(tender)
        else:
            self.report.updated += 1

    def _close(self, tender: Tender) -> None:
        """open → cancelled, one winner (compare-and-set); a closed notice stays closed."""
        frm = tender.status
        if frm == "cancelled":
            return
        if self.unwritten:  # a notice of this file: its first history row comes first
            self._first_events()
        closed = {"status": "cancelled", "updated_at": utcnow()}
        if compare_and_set(tender, {"status": frm}, closed):
            tender.events.append(TenderEvent(actor_id=None, from_state=frm, to_state="cancelled"))
            self.report.closed += 1
            if tender.id is not None:  # a notice created closed has no team yet
                self.report.cancelled.append(tender)

    def _fill(self, tender: Tender, notice: Notice) -> None:
        tender.title = notice.title
        tender.buyer_name = notice.buyer
        tender.reference = notice.reference
        tender.source_url = notice.url
        tender.procedure = notice.procedure
        tender.description = notice.description
        tender.department = notice.department
        if notice.deadline is not None or tender.deadline is None:
            tender.deadline = notice.deadline
        if notice.published_on is not None:
            tender.published_on = notice.published_on
        self._set_lots(tender, notice)

    def _correct(self, tender: Tender, notice: Notice) -> None:
        """A corrective notice changes what it gives (the deadline, most often, or the lots);
        the original keeps its title, text and link."""
        if notice.deadline is not None:
            tender.deadline = notice.deadline
        if notice.department is not None:
            tender.department = notice.department
        if notice.procedure:
            tender.procedure = notice.procedure
        if notice.lots:
            self._set_lots(tender, notice)

    def _notice_skills(self, notice: Notice) -> list[str]:
        return self.map.for_descriptors(notice.descriptors) + self.map.for_cpv(notice.cpv)

    def _set_lots(self, tender: Tender, notice: Notice) -> None:
        """The notice's lots, matched by number (ids stay stable); a notice without lots is
        one lot, itself. A lot takes the competences of its CPV codes, else the notice's."""
        lots = notice.lots or [NoticeLot(1, notice.title, [])]
        general = self._notice_skills(notice)
        by_number = {lot.number: lot for lot in tender.lots}
        kept = []
        for data in lots:
            lot = by_number.pop(data.number, None) or TenderLot(number=data.number)
            lot.title = data.title or f"Lot {data.number}"
            names = self.map.for_cpv(data.cpv) or general
            found = (self.skills.get(skill_key(name)) for name in names)
            # once each: a descriptor and a CPV code often name the same competence
            skills = list({id(skill): skill for skill in found if skill is not None}.values())
            if [s.id for s in lot.skills] != [s.id for s in skills]:
                lot.skills = skills
            kept.append(lot)
        if [id(x) for x in tender.lots] != [id(x) for x in kept]:
            tender.lots = kept


#: The team tenders whose owners hear that their notice is cancelled (not those already over).
TEAM_STATUSES_TOLD = ("open", "team_formed", "submitted")


def tell_teams_of_cancelled_notices(notices: list[Tender]) -> int:
    """Tell the owner of each team tender built from these notices (now closed) that the
    buyer cancelled it: one read for them all. A notice closes once (compare-and-set), so each
    owner hears it once. Returns how many were told."""
    by_id = {notice.id: notice for notice in notices}
    if not by_id:
        return 0
    teams = db.session.scalars(
        select(Tender)
        .where(Tender.notice_id.in_(list(by_id)), Tender.status.in_(TEAM_STATUSES_TOLD))
        .order_by(Tender.id)
    ).unique()
    told = 0
    for team in teams:
        if team.owner is not None and team.notice_id is not None:
            notice_cancelled(team, by_id[team.notice_id])
            told += 1
    return told


def import_records(records: Iterable[Any], skill_map: SkillMap | None = None) -> ImportReport:
    """Write BOAMP records as notices (SYSTEM's work: the CLI and the worker); flush, never
    commit. The report counts what was created, updated, closed, ignored, and the records
    skipped with their idweb."""
    # A new notice is queued for the alert matching by alerts.matching (after_flush), as
    # any new tender is: the worker tells the members whose alerts it fits.
    return _Importer(skill_map or SkillMap.load()).run(records)


# ---------------------------------------------------------------------------------------------
# The API


def query_url(base: str, since: date, departments: Iterable[str], offset: int) -> str:
    """One page of the records endpoint: notices published since that day, in those
    departments, oldest first (so that the pages stay stable while new ones come)."""
    where = [f"dateparution >= date'{since.isoformat()}'"]
    wanted = [d for d in departments if d]
    if wanted:
        where.append("(" + " or ".join(f'code_departement = "{d}"' for d in wanted) + ")")
    params = {
        "where": " and ".join(where),
        "order_by": "dateparution, idweb",
        "limit": str(PAGE_SIZE),
        "offset": str(offset),
    }
    return f"{base}{'&' if '?' in base else '?'}{urllib.parse.urlencode(params)}"


def _get(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            return json.load(response)
    except urllib.error.HTTPError as error:
        error.close()  # its answer holds the connection
        raise OSError(f"HTTP {error.code}") from None


def fetch_pages(
    base: str, since: date, departments: Iterable[str], get: Callable[[str], Any] = _get
) -> Iterator[list[Any]]:
    """The records, a page at a time, until the query's end (or Opendatasoft's 10,000)."""
    departments = list(departments)
    offset = 0
    while offset + PAGE_SIZE <= MAX_OFFSET:
        payload = get(query_url(base, since, departments, offset))
        if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
            raise ValueError("la réponse de l'API n'a pas la forme attendue (results)")
        results = payload["results"]
        if not results:
            return
        yield results
        offset += len(results)
        total = payload.get("total_count")
        if isinstance(total, int) and offset >= total:
            return
