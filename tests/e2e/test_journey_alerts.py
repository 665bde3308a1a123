"""Journey 7, on a phone: a member saves an alert from the offers' results → another member
posts an offer that matches it → the background worker runs the matching (`flask jobs run
--once`) → the alert's owner sees the notification, opens the offer, and it is seen."""

from __future__ import annotations

import re

import pytest
from e2e_helpers import COLLEAGUE, PARTNER, VIEWPORTS, open_menu
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def run_the_worker(live_server) -> None:
    """One pass of the background worker, as `flask jobs run --once` (the matching, then mail)."""
    from marketplace.jobs.worker import run_once

    with live_server.app.app_context():
        run_once(live_server.app)


def test_an_alert_tells_its_owner_of_a_new_offer(as_person, viewport, live_server):
    if viewport != "phone":
        pytest.skip("the journey is the alert's owner on a phone")
    title = "Pose d'une verrière d'atelier en acier"
    watcher = as_person(COLLEAGUE)
    assert watcher.viewport_size == VIEWPORTS["phone"]
    watcher.goto("/offres?q=verrière")
    expect(watcher.get_by_role("status").first).to_contain_text("Aucune offre")
    watcher.get_by_label("Me prévenir des nouveaux résultats").select_option("instant")
    watcher.get_by_role("button", name="Créer une alerte").click()
    expect(watcher.get_by_role("heading", level=1)).to_have_text("Mes alertes")
    alert = watcher.locator("li.card").filter(has_text="verrière")
    expect(alert).to_contain_text("Tout de suite")
    expect(alert).to_contain_text("Aucun résultat pour l’instant")

    poster = as_person(PARTNER)
    poster.goto("/")
    open_menu(poster)
    poster.get_by_role("link", name="Offres", exact=True).click()
    poster.get_by_role("link", name="Publier une offre").click()
    poster.get_by_label("Titre", exact=True).fill(title)
    poster.get_by_label("Description").fill("Verrière de 6 m² entre l'atelier et le bureau.")
    poster.get_by_label("Compétences").fill("Métallerie")
    poster.get_by_role("radio", name=re.compile("toutes les CAE")).check()
    poster.get_by_role("button", name="Publier l’offre").click()
    expect(poster.get_by_role("heading", level=1)).to_have_text(title)

    watcher.goto("/notifications")
    expect(watcher.locator(".notification").filter(has_text=title)).to_have_count(0)
    run_the_worker(live_server)  # the matching runs in the worker, not in the request

    watcher.goto("/")
    expect(watcher.locator(".bell-unread").first).to_be_visible()
    watcher.locator(".bell").first.click()
    told = watcher.locator(".notification").filter(has_text=title)
    expect(told).to_have_count(1)
    expect(told).to_contain_text("verrière")  # the alert it came from
    expect(told.locator(".badge")).to_have_text("nouveau")
    told.get_by_role("button").click()
    expect(watcher.get_by_role("heading", level=1)).to_have_text(title)

    watcher.goto("/notifications")
    seen = watcher.locator(".notification").filter(has_text=title)
    expect(seen).to_have_count(1)
    expect(seen.locator(".badge")).to_have_count(0)  # seen: no longer « nouveau »
    expect(seen).not_to_have_class(re.compile("notification-unread"))
    watcher.goto("/alertes")
    alert = watcher.locator("li.card").filter(has_text="verrière")
    expect(alert.get_by_role("link", name=title)).to_be_visible()
    width = watcher.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"]

    run_the_worker(live_server)  # again: told once
    watcher.goto("/notifications")
    expect(watcher.locator(".notification").filter(has_text=title)).to_have_count(1)
