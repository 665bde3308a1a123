"""The audit log records what managers and admins did; only admins read it."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.accounts.operations import change_membership, change_role
from marketplace.audit import AuditEntry
from marketplace.caes.operations import update_cae
from marketplace.extensions import db
from tests import typography


def actions() -> list[tuple[str, int | None, int | None, str]]:
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(r.action, r.actor_id, r.subject_id, r.detail) for r in rows]


def test_decisions_roles_cae_edits_and_deletions_are_recorded(client, make_cae, make_user, login):
    cae = make_cae()
    manager = make_user(cae, role="manager")
    admin = make_user(role="admin")
    person = make_user(cae, verified=False)
    change_membership(manager, person, "verified", "Bienvenue")
    change_role(admin, person, "manager")
    update_cae(manager, cae, {"description": "Une CAE lyonnaise."})
    db.session.commit()
    assert actions() == [
        ("membership", manager.id, person.id, "pending → verified : Bienvenue"),
        ("role", admin.id, person.id, "member → manager"),
        ("cae_updated", manager.id, None, "description"),
    ]
    login(person)
    client.post("/compte/supprimer", data={"password": "Abeilles-Coop-2026"})
    assert actions()[-1][:3] == ("account_deleted", person.id, person.id)


def test_a_refused_action_leaves_no_entry(make_cae, make_user):
    cae = make_cae()
    other_manager = make_user(make_cae(), role="manager")
    person = make_user(cae, verified=False)
    try:
        change_membership(other_manager, person, "verified")
    except Exception:
        db.session.rollback()
    assert actions() == []


def test_only_admins_read_the_log(client, make_cae, make_user, login):
    cae = make_cae()
    manager = make_user(cae, role="manager")
    admin = make_user(role="admin")
    change_membership(manager, make_user(cae, verified=False, first_name="Noémie"), "verified")
    db.session.commit()
    login(manager)
    assert client.get("/gestion/journal").status_code == 403
    login(admin)
    page = client.get("/gestion/journal")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Noémie" in html and typography.fr("décision d'adhésion") in html


def test_the_log_and_its_pages_speak_french(app, client, make_cae, make_user, login):
    """Moves in words (« membre → gestionnaire de CAE », « en attente → vérifiée »), not codes,
    and the pages say « Page 1 sur 2 · Suivante »."""
    app.config["PER_PAGE"] = 2
    cae = make_cae()
    manager = make_user(cae, role="manager")
    admin = make_user(role="admin")
    person = make_user(cae, verified=False)
    change_membership(manager, person, "verified", "Bienvenue")
    change_role(admin, person, "manager")
    update_cae(admin, cae, {"city": "Lyon", "website": "https://exemple.fr"})
    db.session.commit()
    login(admin)
    first = client.get("/gestion/journal").get_data(as_text=True)
    second = client.get("/gestion/journal?page=2").get_data(as_text=True)
    html = first + second
    assert "membre → gestionnaire de CAE" in html
    assert "en attente de vérification → vérifiée\u00a0: Bienvenue" in html
    assert "Ville, Site web" in html
    for code in ("pending", "verified", "manager", "member", "website"):
        assert f">{code}" not in html and f"{code} →" not in html and f"→ {code}" not in html
    pager = r'Page 1 sur 2</span>\s*<span aria-hidden="true">·</span>\s*<a rel="next"[^>]*>Suivante'
    assert re.search(pager, first) and "Précédente" in second
    assert "Next" not in html and "Previous" not in html and " of 2" not in html
