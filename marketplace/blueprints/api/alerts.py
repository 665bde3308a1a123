"""The caller's alerts (saved searches) and opportunities ("Pour vous")."""

from __future__ import annotations

from typing import Any

from marketplace.alerts import operations as ops
from marketplace.alerts.models import Alert as AlertRow
from marketplace.alerts.models import MatchNotice
from marketplace.alerts.opportunities import opportunities_for
from marketplace.alerts.schemas import Alert, AlertInput, AlertList, Opportunity, OpportunityList
from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import page_args, page_body, paged_list
from marketplace.blueprints.api.spec import operations_for
from marketplace.links import external_url
from marketplace.pagination import offset_of

operation = operations_for("alerts", write_limit="60 per minute")
ENDPOINTS = {"offer": "offers.show", "tender": "tenders.show", "profile": "profiles.show"}
ARGS = {"offer": "offer_id", "tender": "tender_id", "profile": "profile_id"}


def match_json(notice: MatchNotice) -> dict[str, Any]:
    return {
        "type": notice.object_type,
        "id": notice.object_id,
        "title": notice.title,
        "url": external_url(
            ENDPOINTS[notice.object_type], **{ARGS[notice.object_type]: notice.object_id}
        ),
        "at": notice.created_at,
    }


def alert_json(alert: AlertRow, matches: list[MatchNotice]) -> dict[str, Any]:
    return Alert.of(
        alert,
        last_matches=[match_json(n) for n in matches],
    )


@bp.get("/me/alerts")
@operation.paged("listMyAlerts", ok=(AlertList, "A page of the caller's alerts."))
def my_alerts() -> Any:
    """The caller's alerts, newest first, each with its latest matches."""
    user = require_user()
    page, per_page = page_args()
    alerts = ops.alerts_of(user)
    start = offset_of(page, per_page)
    shown = alerts[start : start + per_page]
    matches = ops.last_matches(shown)
    return page_body(shown, len(alerts), page, per_page, lambda a: alert_json(a, matches[a.id]))


@bp.post("/me/alerts")
@operation.create("createMyAlert", body=AlertInput, ok=(Alert, "The new alert."))
def create_my_alert(body: AlertInput) -> Any:
    """Save a search (profiles, offers or tenders) as an alert: instant, daily or weekly."""
    return alert_json(ops.create_alert(require_user(), body), [])


@bp.delete("/me/alerts/<int:alert_id>")
@operation.act("deleteMyAlert", ok=(204, None, "Deleted."), errors=(400, 401, 404, 429))
def delete_my_alert(alert_id: int) -> Any:
    """Delete one of the caller's alerts (404 for another's)."""
    ops.delete_alert(require_user(), alert_id)
    return "", 204


@bp.get("/me/opportunities")
@operation.paged(
    "listMyOpportunities", ok=(OpportunityList, "Offers and tenders that fit the caller.")
)
def my_opportunities() -> Any:
    """Open offers and tenders matching the caller's competences and area, best first."""
    return paged_list(opportunities_for(require_user()), Opportunity.of)
