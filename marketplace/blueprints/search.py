"""The search page: /recherche, one box, facets with counts, highlighted results."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace import geo
from marketplace.blueprints.paging import page_number
from marketplace.ids import parse_id
from marketplace.pagination import Pager
from marketplace.profiles.finder import search_profiles
from marketplace.profiles.models import Availability, ProfileStatus
from marketplace.profiles.operations import ProfileFilters
from marketplace.search.query import MAX_CHARS
from marketplace.search.service import related_competences, search_documents

bp = Blueprint("search", __name__)

PER_PAGE = 20
MAX_PAGE = 500
FILTER_NAMES = ("region", "department", "cae", "skill", "status", "availability")
FACET_TITLES = {
    "region": _l("Region"),
    "department": _l("Department"),
    "cae": _l("CAE"),
    "skill": _l("Competence"),
    "status": _l("Status"),
    "availability": _l("Availability"),
}


#: The other document types the search page counts, each with the list page that shows them
#: (and the index terms that list applies by default).
ELSEWHERE: tuple[tuple[str, dict[str, str], str, Any], ...] = (
    ("collective", {}, "collectives.index", _l("Collectives")),
    ("tender", {}, "tenders.index", _l("Tenders")),
    ("offer", {"offer_status": "open"}, "offers.index", _l("Open offers")),
)


def elsewhere(q: str) -> list[dict[str, Any]]:
    """How many collectives, tenders and open offers the reader may see match q, with links
    to their lists (the same visible totals those lists show)."""
    if not q:
        return []
    found = []
    for doc_type, terms, endpoint, title in ELSEWHERE:
        total = search_documents(current_user, doc_type, q, terms, 1, 1, suggest=False).total
        if total:
            found.append({"title": title, "count": total, "url": url_for(endpoint, q=q)})
    return found


def read_filters(args) -> ProfileFilters:
    """The filters of the query string; unknown values are ignored, never an error."""
    skill = (args.get("skill") or "").strip()[:120] or None
    department = geo.normalize_department(args.get("department"))
    region = args.get("region") if args.get("region") in geo.REGIONS else None
    cae_raw = (args.get("cae") or "").strip()
    cae = parse_id(cae_raw)
    status = args.get("status") if args.get("status") in ProfileStatus.values() else None
    availability = (
        args.get("availability") if args.get("availability") in Availability.values() else None
    )
    return ProfileFilters(skill, department, region, cae, status, availability)


@bp.get("/recherche")
def index():
    q = (request.args.get("q") or "")[: MAX_CHARS * 2]
    filters = read_filters(request.args)
    page = page_number(MAX_PAGE, lenient=True)
    result = search_profiles(current_user, q, filters, page, PER_PAGE)
    clear_args: dict[str, Any] = {"q": result.query} if result.query else {}
    args = dict(clear_args)
    for name in FILTER_NAMES:
        value = getattr(filters, name)
        if value:
            args[name] = value
    facets = []
    for name in FILTER_NAMES:
        entries = result.facets.get(name) or []
        active = getattr(filters, name)
        links = []
        for entry in entries:
            selected = (
                active is not None and str(entry["value"]).casefold() == str(active).casefold()
            )
            target = {k: v for k, v in args.items() if k != name}
            if not selected:
                target[name] = entry["value"]
            links.append({**entry, "selected": selected, "url": url_for("search.index", **target)})
        if links:
            facets.append({"name": name, "title": FACET_TITLES[name], "links": links})
    suggestion_url = None
    if result.suggestion:
        suggestion_url = url_for("search.index", **dict(args, q=result.suggestion))
    return render_template(
        "search/index.html",
        result=result,
        pager=Pager(result.page, result.per_page, result.total),
        filters=filters,
        args=args,
        facets=facets,
        suggestion_url=suggestion_url,
        active_filters=[n for n in FILTER_NAMES if getattr(filters, n)],
        clear_url=url_for("search.index", **clear_args),
        elsewhere=elsewhere(result.query),
        related=[
            {"name": name, "url": url_for("search.index", q=name)}
            for name in (
                related_competences(current_user, result.query) if not result.total else []
            )
        ],
    )
