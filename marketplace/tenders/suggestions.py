"""Who could take each lot, and the smallest set of people who would complete the team.

A constant number of queries whatever the number of candidates: who holds the tender's skills
(ProfileSkill by skill id), their availability periods over the first days of the work, then
those people by primary key, then their CAEs' names; everything
is ranked in Python. The tender page reads only the best ranked holders
(tender_suggestions: at most six rounds of four statements, then the CAEs' names); the API's
pages count the candidates by group, then read only the best groups (suggestion_page: one
statement, at most two reads of four, then the CAEs' names).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, not_, or_, select, true

from marketplace.accounts.models import MembershipState, User
from marketplace.actors import Viewer
from marketplace.caes.models import Cae
from marketplace.extensions import db
from marketplace.geo import departments_in, region_of
from marketplace.places.gazetteer import bounding_box, distance_km
from marketplace.profiles import ranking
from marketplace.profiles.availability import PeriodRow, availability_over
from marketplace.profiles.models import RANK_UNKNOWN, AvailabilityPeriod, Profile, ProfileSkill
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


#: The tender page reads holdings in rounds: each round, every cell (a rank and a nearness
#: class) whose best possible share of the score reaches the round's floor.
ROUND_FLOORS = (40, 35, 30, 25, 15, 0)


def _holding_share(rank: int) -> int:
    """The most a holding of this rank brings for its level and availability (of 30)."""
    level_weight, availability_weight = WEIGHTS["level"] / 4, WEIGHTS["availability"] / 2
    return int(
        level_weight * ranking.level_of(rank)
        + availability_weight * ranking.availability_points_of(rank)
    )


def _near_classes(tender: Tender) -> list[tuple[float, ColumnElement[bool]]]:
    """The profiles in three disjoint classes, each with the most nearness its people can have:
    1 (within NEAR_KM / 2 of the tender's place by the bounding box, or without a place in its
    department), 0.5 (within NEAR_KM, or in its region), 0 (the others)."""
    department = func.coalesce(Profile.department, "")
    has_place = tender.latitude is not None and tender.longitude is not None
    placed = and_(Profile.latitude.is_not(None), Profile.longitude.is_not(None))
    unplaced: ColumnElement[bool] = not_(placed) if has_place else true()

    def within(km: float) -> ColumnElement[bool]:
        if tender.latitude is None or tender.longitude is None:
            return false()
        south, north, west, east = bounding_box(tender.latitude, tender.longitude, km)
        return and_(
            placed,
            Profile.latitude.between(south, north),
            Profile.longitude.between(west, east),
        )

    same = and_(unplaced, department == tender.department) if tender.department else false()
    region = region_of(tender.department)
    around = (
        and_(unplaced, department.in_(departments_in(region))) if region is not None else false()
    )
    first = or_(within(NEAR_KM / 2), same)
    second = and_(not_(first), or_(within(NEAR_KM), around))
    return [
        (1.0, first),
        (0.5, second),
        (0.0, and_(not_(first), not_(or_(within(NEAR_KM), around)))),
    ]


def tender_suggestions(
    viewer: Viewer, tender: Tender, limit: int = 8
) -> tuple[dict[int, list[Suggestion]], Cover]:
    """What suggestions_by_lot and complete_team give (the tender page), reading only the
    holders that can be among them: the lots' holdings by cells of a rank
    (ix_profile_skills_skill_rank) and a nearness class, the most promising cells first, each
    person read with all their wanted competences and their account, until nobody left unread
    can enter a lot's list or change a pick of the cover.

    A holding of rank r brings at most ``5 × level + 5 × availability points`` of the score
    (WEIGHTS: 20 for the level out of 4, 10 for availability, whose periods only lower the
    stated one), plus 10 × its class's nearness and 60 for the coverage; a person not read yet
    has all their wanted holdings in unread cells. The cover's order starts with the number of
    competences covered: when nobody read covers them all, one aggregate tells the most anyone
    holds of them.
    """
    return _BoundedRead(viewer, tender, limit).run()


class _BoundedRead:
    def __init__(self, viewer: Viewer, tender: Tender, limit: int) -> None:
        self.tender, self.limit = tender, limit
        self.lots = list(tender.lots)
        self.wanted_by_lot = {lot.id: lot_skills(lot) for lot in self.lots}
        self.skills, self.held, self.wanted = _team_lacks(tender, self.wanted_by_lot)
        self.reader = _Reader(viewer, tender, set(self.skills))
        self.found: dict[int, Candidate] = {}
        self.seen: set[int] = set()
        self.classes = _near_classes(tender)
        #: (rank, nearness) of the cells not read yet.
        self.unread = {(r, near) for r in range(1, RANK_UNKNOWN + 1) for near, _c in self.classes}
        self.most_covered: dict[tuple, int] = {}

    def run(self) -> tuple[dict[int, list[Suggestion]], Cover]:
        skill_ids = sorted(self.skills)
        for floor in ROUND_FLOORS if skill_ids else ():
            cells = {
                cell
                for cell in self.unread
                if _holding_share(cell[0]) + WEIGHTS["nearness"] * cell[1] >= floor
            }
            if not cells:
                continue
            self.unread -= cells
            clauses = []
            for near, clause in self.classes:
                ranks = sorted(r for r, n in cells if n == near)
                if ranks:
                    clauses.append(and_(clause, ProfileSkill.suggestion_rank.in_(ranks)))
            band = (
                select(ProfileSkill.profile_id)
                .join(Profile, Profile.id == ProfileSkill.profile_id)
                .where(ProfileSkill.skill_id.in_(skill_ids), or_(*clauses))
                .distinct()
            )
            ids = [i for i in db.session.scalars(band) if i not in self.seen]
            if ids:
                holdings = select(
                    ProfileSkill.profile_id, ProfileSkill.skill_id, ProfileSkill.level
                ).where(ProfileSkill.profile_id.in_(ids))
                self.reader.read(holdings, self.found, self.seen, ids)
            if not self.unread or self.settled():
                break
        by_lot = {lot.id: self.ranked(lot) for lot in self.lots}
        cover = self.cover()[0]
        named = [*cover.people, *(s for ranks in by_lot.values() for s in ranks)]
        _name_caes({s.candidate.profile_id: s.candidate for s in named}.values())
        return by_lot, cover

    def ranked(self, lot: TenderLot) -> list[Suggestion]:
        return _rank(self.found, self.tender, [lot], 0, self.limit, self.wanted_by_lot)[0]

    def cover(self, proof: Proof | None = None) -> tuple[Cover, bool]:
        return _greedy(
            self.tender,
            self.found,
            self.wanted_by_lot,
            self.skills,
            self.held,
            self.wanted,
            proof,
        )

    def settled(self) -> bool:
        """No one unread can enter a lot's list nor change a pick of the cover."""
        bound = WEIGHTS["coverage"] + max(
            _holding_share(r) + WEIGHTS["nearness"] * near for r, near in self.unread
        )
        for lot in self.lots:
            best = self.ranked(lot)
            if self.wanted_by_lot[lot.id] and (len(best) < self.limit or best[-1].score <= bound):
                return False
        return self.cover(self.beats_unread)[1]

    def beats_unread(self, uncovered: set[int], best: tuple | None) -> bool:
        """The cover's proof: ``best`` (the key of the best read person) beats everyone unread:
        people whose holdings are all in unread cells of one availability and one nearness
        class (a person has one of each), at most at the highest level unread there."""
        if not self.unread:
            return True
        covered = len(uncovered)
        if best is None or best[0] < covered:
            covered = self.unread_cover(uncovered)
            if covered == 0:
                return True
        if best is None:
            return False
        bound = max(
            (
                covered,
                ranking.availability_points_of(r) / 2,
                near,
                float(ranking.level_of(r)),
                0,
            )
            for r, near in self.unread
        )
        return best > bound

    def unread_cover(self, uncovered: set[int]) -> int:
        """The most competences of ``uncovered`` one person may be suggested for holds (an
        upper bound for the unread)."""
        key = tuple(sorted(uncovered))
        if key not in self.most_covered:
            n = func.count().label("n")
            most = (
                select(n)
                .where(ProfileSkill.skill_id.in_(key), ProfileSkill.suggestion_rank > 0)
                .group_by(ProfileSkill.profile_id)
                .order_by(n.desc())
                .limit(1)
            )
            self.most_covered[key] = db.session.scalar(most) or 0
        return self.most_covered[key]


def suggestion_page(
    viewer: Viewer, tender: Tender, lot: TenderLot | None, start: int, stop: int
) -> tuple[list[Suggestion], int]:
    """What suggestions() gives for the ranks from start to stop (the API's pages), reading
    only the people who can be among them (see _PageRead); pages ending beyond FULL_READ_FROM
    read everyone."""
    if stop > FULL_READ_FROM:
        return suggestions(viewer, tender, lot, start, stop)
    lots = [lot] if lot is not None else list(tender.lots)
    return _PageRead(viewer, tender, lots).run(start, stop)


#: The API's page read reads everyone (_candidates) when its first read would take more than
#: this share of all the candidates (measured: docs/BENCHMARKS.md).
FULL_READ_SHARE = 0.3
#: Pages that end beyond this rank are read whole at once, without counting groups first.
FULL_READ_FROM = 1000
#: The first read takes the best groups that hold this many times the page's last rank in people
#: (with 1, a second read was needed on the first pages of the benchmark's tender).
FIRST_READ = 4


class _PageRead:
    """The candidates counted by group (one statement): how many of the wanted competences
    they hold, the best share of those holdings (_holding_share: level and stated
    availability, of 30) and their nearness class (_near_classes). The sum is the total; a
    group's bound, ``60 × held / wanted + share + 10 × nearness``, is the most its people can
    score. Then the people of the best groups are read (one statement for their ids, then
    _Reader's three) until the page's last score beats the bound of every group left: first
    the groups that hold ``FIRST_READ × stop`` people, then those whose bound reaches the
    ``stop``-th score. When that first read would take more than FULL_READ_SHARE of the
    candidates, everyone is read at once (_candidates)."""

    def __init__(self, viewer: Viewer, tender: Tender, lots: list[TenderLot]) -> None:
        self.viewer, self.tender, self.lots = viewer, tender, lots
        self.wanted_by_lot = {lot.id: lot_skills(lot) for lot in lots}
        skill_ids = {s.id for skills in self.wanted_by_lot.values() for s in skills}
        self.reader = _Reader(viewer, tender, skill_ids)
        self.found: dict[int, Candidate] = {}
        self.seen: set[int] = set()
        self.wanted = len(skill_ids)
        classes = _near_classes(tender)
        self.near_points = [int(WEIGHTS["nearness"] * near) for near, _clause in classes]
        #: 10 × the nearness class of a profile (SQL).
        self.near = case(
            *((clause, int(WEIGHTS["nearness"] * near)) for near, clause in classes), else_=0
        )
        self.per_person = self._per_person(skill_ids).subquery()
        self.groups = self._groups(viewer) if skill_ids else Counter()
        self.total = sum(self.groups.values())

    def _per_person(self, skill_ids: set[int]) -> Select[int, int, Any]:
        """Each holder of these competences (outside the team): how many, their best share."""
        share = case(
            {r: _holding_share(r) for r in range(1, RANK_UNKNOWN + 1)},
            value=ProfileSkill.suggestion_rank,
            else_=0,
        )
        per_person = (
            select(
                ProfileSkill.profile_id,
                func.count().label("held"),
                func.max(share).label("share"),
            )
            .where(ProfileSkill.skill_id.in_(sorted(skill_ids)))
            .group_by(ProfileSkill.profile_id)
        )
        team = sorted(m.profile_id for m in self.tender.members)
        if team:
            per_person = per_person.where(ProfileSkill.profile_id.not_in(team))
        return per_person

    def _groups(self, viewer: Viewer) -> Counter[tuple[int, int, int]]:
        """(held, share, 10 × nearness) → how many people _candidates would give: the same
        accounts, visibility rule and team left out (one statement)."""
        held = self.per_person
        counted = (
            select(held.c.held, held.c.share, self.near, func.count())
            .select_from(held)
            .join(Profile, Profile.id == held.c.profile_id)
            .join(User, User.id == Profile.user_id)
            .where(
                User.is_active.is_(True),
                User.membership == MembershipState.VERIFIED.value,
                profile_visibility_clause(viewer),
            )
            .group_by(held.c.held, held.c.share, self.near)
        )
        if self.tender.audience == "cae":  # only people who may open the tender can join
            counted = counted.where(User.cae_id == self.tender.owner_cae_id)
        rows: Any = db.session.execute(counted)
        return Counter({(k, share, near): n for k, share, near, n in rows})

    def bound(self, group: tuple[int, int, int]) -> float:
        held, share, near = group
        return WEIGHTS["coverage"] * held / self.wanted + share + near

    def run(self, start: int, stop: int) -> tuple[list[Suggestion], int]:
        unread = {group: self.bound(group) for group in self.groups}
        if start < self.total:
            floor = self.floor_of(unread, FIRST_READ * stop)
            people = sum(n for g, n in self.groups.items() if floor is None or unread[g] >= floor)
            if people > self.total * FULL_READ_SHARE:
                # Far down the list, reading people by their ids costs more than reading
                # everyone at once.
                self.found = _candidates(self.viewer, self.tender, self.reader.skill_ids)
                return self.ranked(start, stop), self.total
            self.read_best(unread, floor, stop)
        ranked = self.ranked(start, stop)
        _name_caes(s.candidate for s in ranked)
        return ranked, self.total

    def read_best(
        self, unread: dict[tuple[int, int, int], float], floor: float | None, stop: int
    ) -> None:
        """Read the groups whose bound reaches ``floor``, then more until the ``stop``-th
        score beats every group left."""
        while unread:
            floor = float("-inf") if floor is None else floor
            self.read_from(floor)
            unread = {group: bound for group, bound in unread.items() if bound < floor}
            best = self.ranked(0, stop)
            if len(best) < stop:  # (fewer read than counted: a change in between)
                floor = None
            # (a hundredth to spare: the scores are rounded)
            elif not unread or best[-1].score > max(unread.values()) + 0.01:
                return
            else:
                floor = best[-1].score - 0.01

    def floor_of(self, unread: dict[tuple[int, int, int], float], people: int) -> float | None:
        """The bound of the last of the fewest best groups that hold this many people (None:
        all of them hold fewer)."""
        held = 0
        for group, bound in sorted(unread.items(), key=lambda item: -item[1]):
            held += self.groups[group]
            if held >= people:
                return bound
        return None

    def read_from(self, floor: float) -> None:
        """Read the people whose group's bound reaches ``floor`` (and a few more)."""
        held = self.per_person
        top = WEIGHTS["coverage"] * held.c.held + self.wanted * held.c.share
        lowest = self.wanted * (floor - 0.01)
        # The nearness of the few people left by the first condition, by their primary keys
        # (a join let PostgreSQL scan every profile).
        near = select(self.near).where(Profile.id == held.c.profile_id).scalar_subquery()
        ids_query = select(held.c.profile_id)
        if floor != float("-inf"):
            ids_query = ids_query.where(
                top + self.wanted * max(self.near_points) >= lowest,
                top + self.wanted * near >= lowest,
            )
        listed: Any = db.session.scalars(ids_query)
        ids: list[int] = [i for i in listed if i not in self.seen]
        if ids:
            holdings = select(
                ProfileSkill.profile_id, ProfileSkill.skill_id, ProfileSkill.level
            ).where(ProfileSkill.profile_id.in_(ids))
            self.reader.read(holdings, self.found, self.seen, ids)

    def ranked(self, start: int, stop: int) -> list[Suggestion]:
        return _rank(self.found, self.tender, self.lots, start, stop, self.wanted_by_lot)[0]
