"""Every page of the demo, as each kind of reader, speaks French (and has one main action).

The demo data set is loaded with its loader; a client signed in as each role (anonymous,
member, CAE manager, administrator) follows the site's internal links from the home page
(bounded: a few pages of each shape of address) and reads what a person sees: the text of
the page and the words of titles, placeholders, labels and buttons. English words, or the
codes the database stores (« pending », « in_progress »), fail the test with the page named.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from marketplace.demo import ADMIN_EMAIL, DEMO_PASSWORD, MANAGER_EMAIL, MEMBER_EMAIL, load_demo
from marketplace.extensions import db

pytestmark = pytest.mark.slow

#: Pages of one shape of address (digits replaced) read per role, and pages per role in all.
PER_SHAPE = 2
PER_ROLE = 220

#: Words that are English and not French: a sentence left untranslated shows one of them.
ENGLISH = re.compile(
    r"\b(?:the|and|with|your|you|this|that|from|are|was|has|have|will|please|which|"
    r"should|must|cannot|yet|there|been|were|here|about|into|only|than|when|where|"
    r"Next|Previous|Search|Save|Sign in|Sign up|Log in|Sign out|Delete|Edit|Submit|"
    r"Back|Home|Settings|Members|Tenders|Offers|Collectives|Messages sent|Apply|"
    r"Page \d+ of \d+|of \d+|No results|Nothing|Show|Hide|Close|Open|Filter|Filters|Read more)\b",
    re.IGNORECASE,
)
#: Codes the database stores, which a page must show through their labels.
CODES = re.compile(
    r"\b(?:pending|verified|refused|in_progress|team_formed|submitted|won|lost|cancelled|"
    r"declined|accepted|delivered|invoiced|paid|transferred|filled|closed|"
    r"project_holder|employee|associate|available|partial|unavailable|coordinator|"
    r"manager|admin|network|reverse_charge|exempt|single_cae|multi_cae|subcontractor|"
    r"daily|weekly|internal|invoice|abstain|alert_match|suggested_match)\b"
)
#: Proper names and borrowed words French pages may show as they are.
ALLOWED = re.compile(
    r"\b(?:Essaim|OpenAPI|JSON|API|CSV|iCalendar|BOAMP|SIREN|Qualiopi|QualiBAT|Qualifelec|"
    r"RGE|Bearer|https?://\S+|[\w.+-]+@[\w.-]+|[\w.-]+(?:/[\w.-]+)+)\b"
)
#: A full-size primary button (a link or a button): the page's main action, one at most.
PRIMARY = re.compile(r'<(?:a|button|input)\b[^>]*\bclass="button"[^>]*>')
#: Attributes a person reads or hears.
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description"}
SKIPPED_TAGS = {"script", "style", "code", "pre", "template"}
#: Addresses not to follow: files, the API, sign-out, and pages that are not HTML.
NOT_FOLLOWED = re.compile(
    r"^/(?:api/|static/|media/|deconnexion)|\.(?:csv|ics|json|xml|png|jpe?g|webp|svg)$"
)


class Reader(HTMLParser):
    """The text a person reads on a page, and the internal links it offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        #: The open elements whose text is not read (scripts, and words marked translate="no":
        #: the people's own phrases).
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in SKIPPED_TAGS or values.get("translate") == "no":
            self.skipping.append(tag)
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.texts.append(values[name] or "")
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.texts.append(values["value"] or "")
        href = values.get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(data)


def shape_of(url: str) -> str:
    parts = urlsplit(url)
    keys = ",".join(sorted(key for key, _value in parse_qsl(parts.query)))
    return re.sub(r"\d+", "N", parts.path) + "?" + keys


def problems_of(text: str) -> list[str]:
    text = ALLOWED.sub(" ", text)
    found = [f"English « {m.group(0)} »" for m in ENGLISH.finditer(text)]
    found += [f"code « {m.group(0)} »" for m in CODES.finditer(text)]
    return found


def crawl(client) -> tuple[dict[str, list[str]], int]:
    """Follow internal links from the home page; the problems of each page read."""
    queue: deque[str] = deque(["/"])
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    problems: dict[str, list[str]] = {}
    read = 0
    while queue and read < PER_ROLE:
        url = queue.popleft().split("#")[0]
        if url in seen or NOT_FOLLOWED.search(urlsplit(url).path):
            continue
        seen.add(url)
        shape = shape_of(url)
        if shapes[shape] >= PER_SHAPE:
            continue
        shapes[shape] += 1
        response = client.get(url, headers={"Accept-Language": "fr"})
        if response.status_code in (301, 302, 303):
            queue.append(response.headers["Location"])
            continue
        assert response.status_code < 500, url
        if response.mimetype != "text/html":
            continue
        read += 1
        reader = Reader()
        html = response.get_data(as_text=True)
        reader.feed(html)
        found = [p for text in reader.texts for p in problems_of(text)]
        main = html.split("<main", 1)[-1].split("</main>", 1)[0]
        if len(PRIMARY.findall(main)) > 1:
            found.append(f"{len(PRIMARY.findall(main))} primary buttons")
        if found:
            problems[url] = sorted(set(found))
        queue.extend(link for link in reader.links if link not in seen)
    return problems, read


def sign_in(client, email: str) -> None:
    response = client.post("/connexion", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, email


def test_the_checks_catch_english_and_codes():
    """The rule itself: it would fail a page left in English or showing a stored code."""
    assert problems_of("Page 1 of 3 · Next →")
    assert problems_of("Statut : in_progress")
    assert problems_of("en attente → pending")
    assert problems_of("Save your profile")
    assert not problems_of("Page 1 sur 3 · Suivante → Profil enregistré, Essaim")
    assert not problems_of("Écrire à marie.dupont@essaim.example, https://exemple.fr/the")
    assert len(PRIMARY.findall('<a class="button">A</a><button class="button">B</button>')) == 2
    assert not PRIMARY.findall('<button class="button button-secondary">C</button>')


def test_every_page_of_the_demo_speaks_french_to_every_role(app):
    load_demo(count=40)
    db.session.commit()
    report = []
    for role, email in (
        ("anonymous", None),
        ("member", MEMBER_EMAIL),
        ("manager", MANAGER_EMAIL),
        ("admin", ADMIN_EMAIL),
    ):
        client = app.test_client()
        if email:
            sign_in(client, email)
        problems, read = crawl(client)
        assert read >= (10 if email is None else 40), f"{role}: only {read} pages read"
        report += [f"{role} {url}: {', '.join(found)}" for url, found in problems.items()]
    assert report == [], "\n".join(report)
