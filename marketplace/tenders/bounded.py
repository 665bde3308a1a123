"""The tender's suggestions read with a bound: only the holders that can still be among them.

The tender page (tender_suggestions) reads the lots' holdings by cells of a rank and a
nearness class, the most promising first (at most six rounds of four statements, then the
CAEs' names); the API's pages (suggestion_page) count the candidates by group, then read only
the best groups (one statement, at most two reads of four, then the CAEs' names). Both give
what the full computation of tenders.suggestions gives (tests/tenders/test_suggestions_bounded.py).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, not_, or_, select, true

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.extensions import db
from marketplace.geo import departments_in, region_of
from marketplace.places.gazetteer import bounding_box
from marketplace.profiles import ranking
from marketplace.profiles.models import RANK_UNKNOWN, Profile, ProfileSkill
from marketplace.tenders.models import Tender, TenderLot
from marketplace.tenders.suggestions import (
    NEAR_KM,
    WEIGHTS,
    Candidate,
    Cover,
    Proof,
    Suggestion,
    _candidates,
    _greedy,
    _name_caes,
    _rank,
    _Reader,
    _team_lacks,
    lot_skills,
    may_join,
    suggestions,
)

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
            .where(may_join(viewer, self.tender))
            .group_by(held.c.held, held.c.share, self.near)
        )
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
