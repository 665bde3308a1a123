"""Deciding an approval, whatever its subject, and what the managers' list shows of each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from marketplace.actors import Viewer
from marketplace.approvals import subcontracts, tenders
from marketplace.approvals.models import CaeApproval
from marketplace.extensions import db
from marketplace.subcontracting.models import Subcontract
from marketplace.tenders.models import Tender


def decide(actor: Viewer, approval: CaeApproval, approve: Any, comment: Any) -> CaeApproval:
    """Approve or refuse (with a comment) an approval of the actor's CAE."""
    if approval.subject_kind == tenders.KIND:
        return tenders.decide_tender(actor, approval, approve, comment)
    return subcontracts.decide_subcontract(actor, approval, approve, comment)


@dataclass
class Subject:
    kind: str
    id: int
    title: str
    #: The page's endpoint and its arguments.
    endpoint: str
    args: dict[str, int]
    #: An invoice record's amount (HT, cents).
    amount_cents: int | None = None


def subjects_of(approvals: list[CaeApproval]) -> dict[tuple[str, int], Subject]:
    """The subjects of a page of approvals (one query per kind)."""
    result: dict[tuple[str, int], Subject] = {}
    tender_ids = [a.subject_id for a in approvals if a.subject_kind == tenders.KIND]
    record_ids = [a.subject_id for a in approvals if a.subject_kind == subcontracts.KIND]
    if tender_ids:
        rows = db.session.execute(select(Tender.id, Tender.title).where(Tender.id.in_(tender_ids)))
        for tid, title in rows:
            result[(tenders.KIND, tid)] = Subject(
                tenders.KIND, tid, title, "tenders.show", {"tender_id": tid}
            )
    if record_ids:
        records = db.session.execute(
            select(Subcontract.id, Subcontract.title, Subcontract.amount_cents).where(
                Subcontract.id.in_(record_ids)
            )
        )
        for rid, title, amount in records:
            result[(subcontracts.KIND, rid)] = Subject(
                subcontracts.KIND, rid, title, "subcontracts.show", {"record_id": rid}, amount
            )
    return result
