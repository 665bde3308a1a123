"""A CAE's work over time and its tenders, on its figures page and on its managers' desk."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.tenders.models import Tender, TenderMember
from marketplace.timeutil import PARIS, utcnow
from tests.subcontracting.test_subcontracting_figures import move, propose
from tests.tender_helpers import two_lots


def this_month():
    return utcnow().astimezone(PARIS).date().replace(day=1)


def last_month():
    return (this_month() - timedelta(days=1)).replace(day=1)


def series_drawn(svg: str) -> set[str]:
    return set(re.findall(r'<rect class="series-([a-z]+)"', svg))


def legend_of(figure: str) -> list[str]:
    return re.findall(r'<li data-series="([a-z]+)"><span class="swatch series-\1"', figure)


def figures_page(app, login, people, query: str = "") -> str:
    c = app.test_client()
    login(people["users"]["lyon_manager"], the_client=c)
    page = c.get(f"/caes/{people['caes']['lyon'].id}/chiffres{query}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def section(page: str, title_id: str) -> str:
    found = re.search(rf'<section[^>]* aria-labelledby="{title_id}">.*?</section>', page, re.S)
    assert found is not None, title_id
    return found[0]


def test_a_cae_without_cross_cae_work_still_has_a_chart(app, client, login, people):
    h, u = people["h"], people["users"]
    record = propose(client, h["client"], u["colleague"], 50_000, starts_on=str(last_month()))
    move(client, h["colleague"], record, "accepted")
    page = figures_page(app, login, people)
    months = section(page, "months-title")
    assert "<svg" in months
    assert series_drawn(months) == {"internal"}
    assert legend_of(months) == ["internal"]  # the legend names what is drawn, nothing else
    assert "Travail interne (dans la CAE)" in months
    flows = section(page, "flows-title")
    assert "<svg" not in flows  # no exchange with another CAE


def test_the_legends_match_the_charts(app, client, login, people):
    h, u = people["h"], people["users"]
    inside = propose(client, h["client"], u["colleague"], 40_000, starts_on=str(this_month()))
    outside = propose(client, h["client"], u["sub"], 90_000, starts_on=str(this_month()))
    move(client, h["colleague"], inside, "accepted")
    move(client, h["sub"], outside, "accepted")
    page = figures_page(app, login, people)
    months = section(page, "months-title")
    assert series_drawn(months) == {"internal", "cross"}
    assert legend_of(months) == ["internal", "cross"]
    flows = section(page, "flows-title")
    assert series_drawn(flows) == set(legend_of(flows)) == {"outgoing"}  # Lyon gives the work
    css = (Path(app.root_path).parent / "static/css/essaim.css").read_text(encoding="utf-8")
    for series in ("internal", "cross", "outgoing", "incoming"):
        rule = re.search(
            rf"\.series-{series} \{{ fill: (#[0-9a-f]+); background: (#[0-9a-f]+)", css
        )
        assert rule is not None and rule[1] == rule[2], series  # swatch and bar: one colour


def test_the_figures_page_counts_tenders_and_lights_management(app, client, login, people):
    h, u = people["h"], people["users"]
    made = []
    for _ in range(3):
        answer = client.post("/api/v1/tenders", json=two_lots(), headers=h["client"])
        assert answer.status_code == 201, answer.get_json()
        made.append(answer.get_json()["id"])
    for tender_id, status in zip(made, ("submitted", "won", "won"), strict=True):
        db.session.get(Tender, tender_id).status = status
    for member in db.session.scalars(select(TenderMember).where(TenderMember.tender_id.in_(made))):
        member.share_cents = 1_000_000
    db.session.commit()
    page = figures_page(app, login, people)
    tenders = section(page, "tenders-title")
    assert 'data-figure="tenders-submitted">1<' in tenders
    assert 'data-figure="tenders-won">2<' in tenders
    assert 'data-figure="shares-won">20\u202f000,00\u00a0€<' in tenders
    assert "200\u202f000,00\u00a0€" in tenders  # two estimates of 100 000 €
    nav = re.search(r'<nav class="nav-wide".*?</nav>', page, re.S)
    assert nav is not None
    lit = re.findall(r'<a href="([^"]+)" aria-current="page"', nav[0])
    assert lit == ["/gestion"]
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S)
    assert crumbs is not None and re.findall(r'href="([^"]+)"', crumbs[0])[0] == "/gestion"
    assert u["client"].email  # the owner's CAE is Lyon: its tenders are Lyon's


def test_the_desk_shows_the_month_and_its_trend(app, client, login, people):
    h, u = people["h"], people["users"]
    before = propose(client, h["client"], u["colleague"], 100_000, starts_on=str(last_month()))
    now = propose(client, h["client"], u["colleague"], 150_000, starts_on=str(this_month()))
    gone = propose(client, h["client"], u["sub"], 70_000, starts_on=str(last_month()))
    for record in (before, now):
        move(client, h["colleague"], record, "accepted")
    move(client, h["sub"], gone, "accepted")
    c = app.test_client()
    login(people["users"]["lyon_manager"], the_client=c)
    page = c.get("/gestion").get_data(as_text=True)
    month = section(page, "desk-month")
    internal = re.search(r'id="month-internal".*?</div>', month, re.S)[0]
    cross = re.search(r'id="month-cross".*?</div>', month, re.S)[0]
    assert 'data-figure="month-internal">1\u202f500,00\u00a0€<' in internal
    assert 'data-trend="up"' in internal and "(+50\u00a0%)" in internal
    assert 'data-figure="month-cross">0,00\u00a0€<' in cross
    assert 'data-trend="down"' in cross and "(-100\u00a0%)" in cross
