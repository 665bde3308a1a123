"""End-to-end fixtures: the real application served over HTTP, driven by Debian's Chromium.

One server per run (werkzeug in a thread, CSRF on, a temporary SQLite database and index)
holding the demo data set, loaded through the operations like `flask demo load`, plus a few
accounts of the tests. Each test gets a fresh browser context (its own cookies) at desktop
or phone width; any console error or uncaught page error fails the test.

The tests are skipped, with the reason, when /usr/bin/chromium, the `playwright` package or
axe-core (`npm ci`) is missing. CI installs all three (.ci/run).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    COLLEAGUE,
    DEMO_PASSWORD,
    MEMBER,
    PARTNER,
    VIEWPORTS,
)


def _missing() -> str | None:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is not installed (apt-get install -y chromium)"
    if not AXE_JS.is_file():
        return f"axe-core is not installed ({AXE_JS} missing: run npm ci)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"end-to-end tests skipped: {reason}"))


def _extra_accounts() -> None:
    from sqlalchemy import select

    from marketplace.accounts.operations import create_account
    from marketplace.actors import SYSTEM
    from marketplace.caes.models import Cae
    from marketplace.extensions import db
    from marketplace.profiles.operations import update_profile

    caes = list(db.session.scalars(select(Cae).order_by(Cae.id)))
    specs = (
        (COLLEAGUE, "Inès", "Collègue", caes[0], "Couverture et zinguerie"),
        (PARTNER, "Bastien", "Partenaire", caes[1], "Charpente bois et ossature"),
    )
    for email, first, last, cae, headline in specs:
        user = create_account(
            SYSTEM,
            email=email,
            first_name=first,
            last_name=last,
            cae=cae,
            password=DEMO_PASSWORD,
            verified=True,
        )
        update_profile(
            SYSTEM,
            user.profile,
            {"headline": headline, "audience": "network", "department": cae.department},
        )


class LiveServer:
    def __init__(self, app, url: str, mail_dir: Path):
        self.app = app
        self.url = url
        self.mail_dir = mail_dir

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    if _missing():
        pytest.skip(_missing())
    from werkzeug.serving import make_server

    from marketplace import create_app
    from marketplace.demo import load_demo
    from marketplace.extensions import db

    folder = tmp_path_factory.mktemp("e2e")
    app = create_app(
        {
            "DATABASE_URL": "sqlite:///" + str(folder / "essaim.sqlite3"),
            "INDEX_DIR": str(folder / "index"),
            "MAIL_DIR": str(folder / "mail"),
            "MEDIA_DIR": str(folder / "media"),
            "SECRET_KEY": "end-to-end-tests-only",
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        import marketplace.models  # noqa: F401

        db.create_all()
        load_demo(count=30)
        _extra_accounts()
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", folder / "mail")
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Watched:
    """A browser context whose pages record console errors and uncaught exceptions."""

    def __init__(self, browser, server: LiveServer, viewport: str, **options):
        self.server = server
        self.viewport = viewport
        self.errors: list[str] = []
        self.context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            locale="fr-FR",
            timezone_id="Europe/Paris",
            base_url=server.url,
            accept_downloads=True,
            **options,
        )
        self.context.set_default_timeout(30_000)
        self.context.on("page", self._watch)

    def _watch(self, page) -> None:
        def on_console(message):
            if message.type == "error":
                self.errors.append(f"console: {message.text} ({page.url})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error} ({page.url})"))

    def new_page(self):
        return self.context.new_page()

    def sign_in(self, email: str, password: str = DEMO_PASSWORD):
        page = self.new_page()
        page.goto("/connexion")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe", exact=True).fill(password)
        page.get_by_role("main").get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lambda url: "/connexion" not in url)
        return page

    def close(self) -> None:
        self.context.close()


@pytest.fixture(params=sorted(VIEWPORTS), ids=lambda name: name)
def viewport(request) -> str:
    return request.param


@pytest.fixture
def contexts(browser, live_server, viewport) -> Iterator:
    """contexts(**options) → a Watched context; several per test (one per person)."""
    made: list[Watched] = []

    def make(**options) -> Watched:
        watched = Watched(browser, live_server, viewport, **options)
        made.append(watched)
        return watched

    yield make
    errors = [e for w in made for e in w.errors]
    for watched in made:
        watched.close()
    assert not errors, "errors in the browser:\n" + "\n".join(errors)


@pytest.fixture
def as_person(contexts):
    """as_person(email) → a signed-in page in a context of its own."""

    def sign_in(email: str, **options):
        return contexts(**options).sign_in(email)

    return sign_in


@pytest.fixture(scope="session")
def demo_ids(live_server) -> dict[str, int]:
    """Ids of demo objects the member to try may open, for pages that need one."""
    from sqlalchemy import select

    from marketplace.accounts.models import User
    from marketplace.collectives.models import Collective
    from marketplace.extensions import db
    from marketplace.subcontracting.models import Offer, Subcontract
    from marketplace.tenders.models import Tender

    with live_server.app.app_context():
        member = db.session.scalar(select(User).where(User.email == MEMBER))
        ids = {
            "cae": member.cae_id,
            "profile": member.profile.id,
            "collective": db.session.scalar(select(Collective.id).order_by(Collective.id)),
            "tender": db.session.scalar(select(Tender.id).order_by(Tender.id)),
            "offer": db.session.scalar(select(Offer.id).order_by(Offer.id)),
            "subcontract": db.session.scalar(
                select(Subcontract.id)
                .where(
                    (Subcontract.client_profile_id == member.profile.id)
                    | (Subcontract.subcontractor_profile_id == member.profile.id)
                )
                .order_by(Subcontract.id)
            ),
        }
        db.session.remove()
    return ids
