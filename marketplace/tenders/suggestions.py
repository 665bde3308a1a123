"""Who could take each lot, and the smallest set of people who would complete the team.

A constant number of queries whatever the number of candidates: who holds the tender's skills
(ProfileSkill by skill id), their availability periods over the first days of the work, then
those people by primary key, then their CAEs' names; everything
is ranked in Python. The tender page and the API's pages read only the holders that can be
among the best (tenders.bounded), and give what these functions give.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select, true

from marketplace.accounts.models import MembershipState, User
from marketplace.actors import Viewer
from marketplace.caes.models import Cae
from marketplace.extensions import db
from marketplace.geo import region_of
from marketplace.places.gazetteer import distance_km
from marketplace.profiles.availability import PeriodRow, availability_over
from marketplace.profiles.models import AvailabilityPeriod, Profile, ProfileSkill
from marketplace.search.needs import competences_in
from marketplace.skills.models import Skill
from marketplace.tenders.models import Tender, TenderLot
from marketplace.timeutil import to_paris, utcnow
from marketplace.visibility import profile_row_predicate, profile_visibility_clause

AVAILABILITY_WEIGHT = {"available": 1.0, "partial": 0.5, "unavailable": 0.0}
#: How much each criterion weighs in the score (0 to 100).
WEIGHTS = {"coverage": 60, "level": 20, "availability": 10, "nearness": 10}
#: Beyond this distance from the tender, a person earns nothing for nearness.
NEAR_KM = 150.0
#: Days after the deadline over which availability periods count (the start of the work).
WORK_WINDOW_DAYS = 30
#: Most competences read from the words of a lot that names none.
WORDED_SKILLS = 4


@dataclass
class Candidate:
    profile_id: int
    display_name: str
    cae_id: int | None
    cae_name: str | None
    department: str | None
    availability: str
    levels: dict[int, int] = field(default_factory=dict)  # skill id → level
    #: 1 at the tender's place, falling to 0 at NEAR_KM (the distance in km between the
    #: centres of their cities); without a place on one side: 1 in the tender's department,
    #: 0.5 in its region, 0 elsewhere.
    near: float = 0.0
    #: The part of the score that does not depend on the lot (availability and nearness).
    base: float = field(init=False, default=0.0)
    sort_name: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.base = (
            WEIGHTS["availability"] * AVAILABILITY_WEIGHT.get(self.availability, 0.0)
            + WEIGHTS["nearness"] * self.near
        )
        self.sort_name = self.display_name.casefold()

    def nearness(self, tender: Tender) -> float:
        return self.near


def _periods_of(profile_ids: Any, start: date, end: date) -> dict[int, list[PeriodRow]]:
    """The availability periods of these profiles that fall between start and end (one query)."""
    found: dict[int, list[PeriodRow]] = {}
    rows = db.session.connection().execute(
        select(
            AvailabilityPeriod.profile_id,
            AvailabilityPeriod.starts_on,
            AvailabilityPeriod.ends_on,
            AvailabilityPeriod.kind,
        ).where(
            AvailabilityPeriod.profile_id.in_(profile_ids),
            AvailabilityPeriod.ends_on >= start,
            AvailabilityPeriod.starts_on <= end,
        )
    )
    for profile_id, starts_on, ends_on, kind in rows:
        found.setdefault(profile_id, []).append((starts_on, ends_on, kind))
    return found


def work_window(tender: Tender) -> tuple[date, date]:
    """The days over which a candidate's availability counts: from the deadline (or today, if
    later) for WORK_WINDOW_DAYS, when the work of a won tender would start."""
    today = to_paris(utcnow()).date()
    first = max(to_paris(tender.deadline).date(), today) if tender.deadline else today
    return first, first + timedelta(days=WORK_WINDOW_DAYS)


def _nearness(
    department: str | None,
    tender_department: str | None,
    region: str | None,
    km: float | None = None,
) -> float:
    if km is not None:
        return max(0.0, 1.0 - km / NEAR_KM)
    if tender_department and department == tender_department:
        return 1.0
    if region and region_of(department) == region:
        return 0.5
    return 0.0


def _km(tender: Tender, lat: float | None, lon: float | None) -> float | None:
    if lat is None or lon is None or tender.latitude is None or tender.longitude is None:
        return None
    return distance_km(tender.latitude, tender.longitude, lat, lon)


@dataclass
class Suggestion:
    candidate: Candidate
    lot_ids: list[int]
    matched: list[str]
    missing: list[str]
    score: float


def lot_skills(lot: TenderLot) -> list[Skill]:
    """The competences a lot wants: those chosen for it; for a lot described only in words
    (none chosen), those its title names or ties to through the concept table
    (search.needs.competences_in: « Lot 2 : tonte et taille des haies » → Paysagisme), and the
    tender's title when it is the only lot. Lots with competences cost no query."""
    if lot.skills:
        return list(lot.skills)
    text = lot.title or ""
    if lot.tender is not None and len(lot.tender.lots) == 1:
        text = f"{text}\n{lot.tender.title or ''}"
    keys = competences_in(text)
    if not keys:
        return []
    rows = {s.key: s for s in db.session.scalars(select(Skill).where(Skill.key.in_(keys)))}
    return [rows[k] for k in dict.fromkeys(keys) if k in rows][:WORDED_SKILLS]


def may_join(viewer: Viewer, tender: Tender) -> ColumnElement[bool]:
    """In SQL (on Profile and User), who may be suggested for the tender: an active, verified
    account that the viewer may see, of the owner's CAE for a CAE-only tender. _Reader.read
    checks the same in Python (see _candidates: in SQL these conditions mislead SQLite's
    planner for the holders' read)."""
    same_cae = User.cae_id == tender.owner_cae_id if tender.audience == "cae" else true()
    return and_(
        User.is_active.is_(True),
        User.membership == MembershipState.VERIFIED.value,
        same_cae,
        profile_visibility_clause(viewer),
    )


def _candidates(viewer: Viewer, tender: Tender, skill_ids: set[int]) -> dict[int, Candidate]:
    """Visible people (not in the team) holding any of these skills.

    Two reads that each follow one index whatever the planner knows: the holdings by skill
    id, then the holders by primary key (``Profile.id IN (the same holdings)``: a semi-join,
    with no list of ids to bind). The account's conditions (active, verified, same CAE
    for a CAE-only tender) and the visibility rule (visibility.profile_row_predicate) are
    checked in Python: put in the SQL, they let SQLite start from ``ix_users_membership`` and
    probe every verified member (1.6 s at 12,000 profiles without planner statistics; a joined
    read took 30 ms with them, these two 10 ms). Rows are read as tuples from the session's
    connection.
    """
    if not skill_ids:
        return {}
    held = select(ProfileSkill.profile_id, ProfileSkill.skill_id, ProfileSkill.level).where(
        ProfileSkill.skill_id.in_(sorted(skill_ids))
    )
    found: dict[int, Candidate] = {}
    _Reader(viewer, tender, skill_ids).read(held, found, set())
    _name_caes(found.values())
    return found


class _Reader:
    """Builds the candidates of the holders a query selects (see _candidates)."""

    def __init__(self, viewer: Viewer, tender: Tender, skill_ids: set[int]) -> None:
        self.tender = tender
        self.skill_ids = skill_ids
        self.team = {m.profile_id for m in tender.members}
        self.visible = profile_row_predicate(viewer)
        self.region = region_of(tender.department)
        self.cae_only = tender.audience == "cae"  # only people who may open the tender can join
        self.start, self.end = work_window(tender)

    def read(
        self,
        held: Select[int, int, int],
        found: dict[int, Candidate],
        seen: set[int],
        ids: list[int] | None = None,
    ) -> None:
        """Add to ``found`` the people of ``held`` (profile_id, skill_id, level rows: every
        wanted competence of each person it names) who may be suggested; ``seen`` collects
        every person read, suggested or not, and those already in it are skipped. ``ids``:
        the people ``held`` names, when known (their accounts and periods are read by them)."""
        tender, skill_ids = self.tender, self.skill_ids
        connection = db.session.connection()
        holdings: dict[int, dict[int, int]] = {}
        for profile_id, skill_id, level in connection.execute(held):
            if skill_id not in skill_ids:
                continue
            levels = holdings.get(profile_id)
            if levels is None:
                if profile_id in self.team or profile_id in seen:
                    continue
                levels = holdings[profile_id] = {}
            levels[skill_id] = level
        seen.update(holdings)
        if not holdings:
            return
        people_ids: Any = (
            ids if ids is not None else held.with_only_columns(ProfileSkill.profile_id)
        )
        periods = _periods_of(people_ids, self.start, self.end)
        people = (
            select(
                Profile.id,
                Profile.department,
                Profile.availability,
                Profile.audience,
                User.id,
                User.first_name,
                User.last_name,
                User.cae_id,
                User.is_active,
                User.membership,
                Profile.latitude,
                Profile.longitude,
            )
            .join(User, User.id == Profile.user_id)
            .where(Profile.id.in_(people_ids))
        )
        visible, region, start, end = self.visible, self.region, self.start, self.end
        for row in connection.execute(people):
            profile_id, department, availability, audience, user_id, first, last, cae_id = row[:8]
            place: tuple[Any, Any] = (row._mapping["latitude"], row._mapping["longitude"])
            if profile_id not in holdings or not row[8] or row[9] != "verified":
                continue  # (a team member, or an account that cannot join)
            if self.cae_only and cae_id != tender.owner_cae_id:
                continue
            if not visible(user_id, cae_id, audience, True):
                continue
            found[profile_id] = Candidate(
                profile_id=profile_id,
                display_name=f"{first} {last}".strip(),
                cae_id=cae_id,
                cae_name=None,
                department=department,
                availability=availability_over(
                    availability, periods.get(profile_id, ()), start, end
                ),
                levels=holdings[profile_id],
                near=_nearness(department, tender.department, region, _km(tender, *place)),
            )


def _name_caes(candidates: Iterable[Candidate]) -> None:
    """Set the CAE names of these candidates (one query)."""
    candidates = list(candidates)
    cae_ids = {c.cae_id for c in candidates if c.cae_id is not None}
    if cae_ids:
        names: dict[int | None, str] = dict(
            db.session.execute(select(Cae.id, Cae.name).where(Cae.id.in_(cae_ids))).all()
        )
        for candidate in candidates:
            candidate.cae_name = names.get(candidate.cae_id)


def _score(candidate: Candidate, skill_ids: set[int]) -> float:
    """0 to 100: the share of the wanted competences held (60), their mean level out of 4
    (20), availability (10) and nearness (10)."""
    matched = [level for skill, level in candidate.levels.items() if skill in skill_ids]
    if not matched or not skill_ids:
        return 0.0
    coverage = len(matched) / len(skill_ids)
    level = sum(matched) / len(matched) / 4
    return round(WEIGHTS["coverage"] * coverage + WEIGHTS["level"] * level + candidate.base, 2)


def _rank(
    candidates,
    tender: Tender,
    lots: list,
    start: int = 0,
    stop: int | None = None,
    skills_of: dict[int, list[Skill]] | None = None,
) -> tuple[list[Suggestion], int]:
    """The ranked suggestions from start to stop (all by default), and how many there are.

    Every candidate holding a wanted competence is scored; a Suggestion (with its matched and
    missing lists) is built only for those returned. ``skills_of``: the lots' competences
    when already read (lot id → skills).
    """
    wanted_by_lot = [
        (lot.id, skills_of[lot.id] if skills_of is not None else lot_skills(lot)) for lot in lots
    ]
    skills = {s.id: s.name for _id, wanted_skills in wanted_by_lot for s in wanted_skills}
    wanted = set(skills)
    scored = []
    for candidate in candidates.values():
        if wanted.isdisjoint(candidate.levels):
            continue
        score = _score(candidate, wanted)
        scored.append((-score, candidate.sort_name, candidate.profile_id, candidate))
    if stop is not None and start == 0:
        chosen = heapq.nsmallest(stop, scored)
    else:
        chosen = sorted(scored)[start:stop]
    skill_ids = sorted(skills, key=lambda i: skills[i].casefold())
    ids_by_lot = [
        (lot_id, {s.id for s in wanted_skills}) for lot_id, wanted_skills in wanted_by_lot
    ]
    result = []
    for negative, _name, _id, candidate in chosen:
        levels = candidate.levels
        result.append(
            Suggestion(
                candidate=candidate,
                lot_ids=[i for i, ids in ids_by_lot if not ids.isdisjoint(levels)],
                matched=[skills[s] for s in skill_ids if s in levels],
                missing=[skills[s] for s in skill_ids if s not in levels],
                score=-negative,
            )
        )
    return result, len(scored)


def suggestions(
    viewer: Viewer, tender: Tender, lot=None, start: int = 0, stop: int | None = None
) -> tuple[list[Suggestion], int]:
    """Ranked people for one lot, or for all the lots' competences together: the ranks from
    start to stop (all by default) and how many people there are in all."""
    lots = [lot] if lot is not None else list(tender.lots)
    ids = {s.id for item in lots for s in lot_skills(item)}
    return _rank(_candidates(viewer, tender, ids), tender, lots, start, stop)


def suggestions_by_lot(
    viewer: Viewer, tender: Tender, limit: int = 8, candidates: dict | None = None
) -> dict[int, list[Suggestion]]:
    """For each lot, its best candidates (one read of the competences for all lots)."""
    if candidates is None:
        candidates = all_candidates(viewer, tender)
    return {lot.id: _rank(candidates, tender, [lot], 0, limit)[0] for lot in tender.lots}


def all_candidates(viewer: Viewer, tender: Tender) -> dict[int, Candidate]:
    """Everyone the viewer may suggest for any lot (to share between the page's two reads)."""
    return _candidates(viewer, tender, {s.id for lot in tender.lots for s in lot_skills(lot)})


@dataclass
class Cover:
    people: list[Suggestion]
    #: Competences nobody visible (outside the team) holds.
    uncovered: list[str]
    #: Competences the team already holds.
    covered_by_team: list[str]


def complete_team(viewer: Viewer, tender: Tender, candidates: dict | None = None) -> Cover:
    """Greedy set cover: few people who together hold every competence the team lacks."""
    wanted_by_lot = {lot.id: lot_skills(lot) for lot in tender.lots}
    skills, held, wanted = _team_lacks(tender, wanted_by_lot)
    if candidates is None:
        candidates = _candidates(viewer, tender, wanted)
    return _greedy(tender, candidates, wanted_by_lot, skills, held, wanted)[0]


def _team_lacks(
    tender: Tender, wanted_by_lot: dict[int, list[Skill]]
) -> tuple[dict[int, str], set[int], set[int]]:
    """The lots' competences (id → name), those the team holds, those it lacks."""
    skills = {s.id: s.name for wanted_skills in wanted_by_lot.values() for s in wanted_skills}
    team_ids = [m.profile_id for m in tender.members]
    held = set()
    if skills and team_ids:
        held = set(
            db.session.scalars(
                select(ProfileSkill.skill_id).where(
                    ProfileSkill.profile_id.in_(team_ids),
                    ProfileSkill.skill_id.in_(sorted(skills)),
                )
            )
        )
    return skills, held, set(skills) - held


#: A pick of the greedy cover is kept when it beats (True) every person not read yet, given
#: the competences still uncovered and the best key among those read (None: nobody read holds
#: one of them).
Proof = Callable[[set[int], "tuple | None"], bool]


def _gain(c: Candidate, uncovered: set[int]) -> tuple:
    """The greedy cover's order: competences covered, availability, nearness, their mean level,
    then the lowest profile id."""
    covers = uncovered & set(c.levels)
    levels = [c.levels[s] for s in covers]
    return (
        len(covers),
        AVAILABILITY_WEIGHT.get(c.availability, 0.0),
        c.near,
        sum(levels) / len(levels) if levels else 0,
        -c.profile_id,
    )


def _greedy(
    tender: Tender,
    candidates: dict[int, Candidate],
    wanted_by_lot: dict[int, list[Skill]],
    skills: dict[int, str],
    held: set[int],
    wanted: set[int],
    proof: Proof | None = None,
) -> tuple[Cover, bool]:
    """The greedy cover over these candidates, and whether every pick passed ``proof``."""
    candidates = {i: c for i, c in candidates.items() if not wanted.isdisjoint(c.levels)}
    chosen: list[Suggestion] = []
    uncovered = set(wanted)
    proven = True
    while uncovered:
        best = max(candidates.values(), key=lambda c: _gain(c, uncovered), default=None)
        key = _gain(best, uncovered) if best is not None else None
        if proof is not None and not proof(uncovered, key if key and key[0] else None):
            proven = False
            break
        if best is None or key is None or key[0] == 0:
            break
        covers = uncovered & set(best.levels)
        uncovered -= covers
        del candidates[best.profile_id]
        chosen.append(
            Suggestion(
                candidate=best,
                lot_ids=[
                    x.id for x in tender.lots if any(s.id in covers for s in wanted_by_lot[x.id])
                ],
                matched=sorted((skills[s] for s in covers), key=str.casefold),
                missing=[],
                score=float(len(covers)),
            )
        )
    cover = Cover(
        people=chosen,
        uncovered=sorted((skills[s] for s in uncovered), key=str.casefold),
        covered_by_team=sorted((skills[s] for s in held), key=str.casefold),
    )
    return cover, proven
