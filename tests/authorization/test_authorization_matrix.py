"""Every route of the URL map × every role, with the expected answer.

The world (tests/authz_world.py) holds one object of each kind, all shared with CAE A only;
requests never commit, so each cell sees the same world. Writes are sent empty: a role that may
act gets past authorization (a form error, a conflict or a redirect), a role that may not gets
404 when it may not see the object, 403 when it may see it but not act, and anonymous people get
the sign-in page (HTML) or 401 (API). A route missing from MATRIX fails the suite.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from authz_world import ROLES, client_as, world_in

from marketplace.timeutil import utcnow

#: Endpoints deliberately outside the matrix.
UNCHECKED = {"static"}

#: Path parameters that differ by endpoint (the rest come from World.ids).
PARAMS = {
    "collectives.remove": {"user_id": "owner"},
    "collectives.role": {"user_id": "owner"},
    "manage.decide": {"user_id": "pending"},
    "manage.set_role": {"user_id": "same_cae"},
}


def _future(days: int = 10) -> str:
    return (utcnow() + timedelta(days=days)).isoformat()


def bodies(world) -> dict[str, dict]:
    """Valid bodies for the writes where authorization must be judged on real input."""
    ids, sub = world.ids, world.users["sub"]
    today = utcnow().date()
    return {
        "api.post_tender": {
            "title": "Nouvel appel", "buyer": {"name": "Ville", "kind": "public"},
            "deadline": _future(), "department": "69", "estimated_amount_cents": 100_000,
            "lots": [{"number": 1, "title": "Lot", "skills": ["Menuiserie"]}],
        },
        "api.post_offer": {
            "title": "Nouvelle offre", "description": "Deux jours", "skills": ["Menuiserie"],
            "department": "69", "starts_on": str(today + timedelta(days=5)),
            "ends_on": str(today + timedelta(days=6)), "budget_cents": 10_000,
        },
        "api.post_subcontract": {
            "title": "Pose", "subcontractor_profile_id": sub.profile.id, "amount_cents": 10_000,
            "vat_rate": "20.0", "starts_on": str(today),
        },
        "api.create_collective": {"name": "Nouveau collectif"},
        "api.create_my_alert": {"kind": "offers", "q": "menuiserie", "near": "Lyon"},
        "api.update_collective": {"description": "Changée"},
        "api.patch_tender": {"title": "Titre changé"},
        "api.update_my_profile": {"headline": "Changé"},
        "api.decide_application": {"accept": False},
        "api.decide_request": {"approve": False},
        "api.answer_invitation": {"accept": False},
        "api.invite": {"invitee_profile_id": sub.profile.id},
        "api.open_decision": {"title": "Un vote", "closes_at": _future()},
        "api.post_application": {"lot_ids": [ids["lot_id"]], "role": "cotraitant"},
        "api.post_response": {"message": "Disponible", "price_cents": 1_000},
        "api.post_outcome": {"went_well": True},
        "offers.outcome": {"went_well": "yes"},
        "api.vote": {"choice": "yes"},
        "api.open_thread": {"title": "Un sujet", "body": "Un texte"},
        "api.reply": {"body": "Une réponse"},
        "api.follow_thread": {"mode": "follow"},
        "api.comment_on_decision": {"body": "Un avis"},
        "collectives.new_thread": {"title": "Un sujet", "body": "Un texte"},
        "collectives.reply": {"body": "Une réponse"},
        "collectives.follow": {"mode": "mute"},
        "collectives.comment": {"body": "Un avis"},
        "api.move_subcontract": {"to": "cancelled"},
        "collectives.decide": {"approve": "1"},
        "collectives.vote": {"choice": "yes"},
        "collectives.answer_invitation": {"decline": "1"},
        "collectives.invite": {"invitee": sub.email},
        "collectives.role": {"role": "coordinator"},
        "collectives.leave": {"confirmed": "1"},
        "offers.close": {"confirmed": "1"},
        "collectives.create": {"name": "Nouveau collectif", "audience": "network",
                               "join_policy": "request"},
        "offers.post_response": {"message": "Disponible", "price": "10"},
        "offers.new": {"title": "Nouvelle offre", "description": "Deux jours",
                       "skills": "Menuiserie", "department": "69",
                       "starts_on": str(today + timedelta(days=5)),
                       "ends_on": str(today + timedelta(days=6)), "budget": "100",
                       "audience": "cae"},
        "subcontracts.new": {"subcontractor": sub.email, "title": "Pose", "amount": "100",
                             "vat_rate": "20.0", "starts_on": str(today)},
        "subcontracts.move": {"to": "cancelled"},
        "tenders.apply_to": {"lot_ids": str(ids["lot_id"]), "role": "cotraitant"},
        "tenders.decision": {"application_id": str(ids["application_id"]), "decline": "1"},
        "manage.decide": {"decision": "verified"},
        "manage.verify_many": {"people": str(world.users["pending"].id)},
        "manage.set_role": {"role": "manager"},
        "api.decide_approval": {"approve": True},
        "api.patch_approval_settings": {"invoice_threshold_cents": 100_000},
        "api.decide_status": {"confirm": False},
        "manage.decide_approval_view": {"decision": "approve"},
        "manage.set_threshold": {"threshold": "1 000"},
        "manage.decide_status": {"decision": "refuse"},
        "api.start_conversation": {"to_profile_id": sub.profile.id, "body": "Bonjour"},
        "api.send_message": {"body": "Bonjour"},
        "api.report_message": {"message_id": ids["message_id"]},
        "api.invite_to_tender": {"profile_id": world.users["joiner"].profile.id,
                                 "lot_ids": [ids["lot_id"]], "role": "cotraitant"},
        "api.answer_tender_invitation": {"accept": False},
        "conversations.reply": {"body": "Bonjour"},
        "tender_invitations.answer": {"decline": "1"},
        "api.post_recommendation": {"body": "Travail soigné"},
        "api.patch_recommendation": {"hidden": True},
        "api.put_subcontract_consent": {"show": True},
        "api.put_tender_consent": {"show": True},
        "subcontracts.recommend_party": {"body": "Travail soigné"},
        "subcontracts.consent": {"show": "y"},
        "tenders.reference_consent": {"show": "y"},
        "profiles.hide_recommendation": {"hidden": "1"},
    }  # fmt: skip


# "METHOD endpoint": answers for anonymous, pending, other_cae, same_cae, owner, coordinator,
# manager, admin. "login" is a redirect to the sign-in page, "302" any other redirect.
MATRIX: dict[str, str] = {
    "DELETE api.delete_my_profile_photo": "401 204 204 204 204 204 204 204",
    "DELETE api.delete_my_alert": "401 404 404 404 204 404 404 404",
    "DELETE api.remove_member": "401 404 404 403 403 200 403 403",
    "GET accounts.export": "login 200 200 200 200 200 200 200",
    "GET accounts.settings": "login 200 200 200 200 200 200 200",
    "GET accounts.tokens": "login 200 200 200 200 200 200 200",
    "GET api.approval_settings": "401 404 404 404 404 404 200 200",
    "GET api.cae_approvals": "401 404 404 404 404 404 200 200",
    "GET alerts.index": "login 200 200 200 200 200 200 200",
    "GET api.cae_ledger_csv": "401 403 403 403 403 403 200 200",
    "GET api.cae_stats": "401 403 403 403 403 403 200 200",
    "GET api.cae_statuses": "401 404 404 404 404 404 200 200",
    "GET api.caes": "200 200 200 200 200 200 200 200",
    "GET api.collective": "404 404 404 200 200 200 200 200",
    "GET api.collectives": "200 200 200 200 200 200 200 200",
    "GET api.posts": "404 404 404 200 200 200 200 200",
    "GET api.thread": "404 404 404 200 200 200 200 200",
    "GET api.threads": "404 404 404 200 200 200 200 200",
    "GET api.decision": "404 404 404 200 200 200 200 200",
    "GET api.decisions": "404 404 404 200 200 200 200 200",
    "GET api.get_conversation": "401 404 404 404 200 404 404 404",
    "GET api.list_applications": "401 404 404 200 200 200 200 200",
    "GET api.export_my_data": "401 200 200 200 200 200 200 200",
    "GET api.list_conversations": "401 200 200 200 200 200 200 200",
    "GET api.me": "401 200 200 200 200 200 200 200",
    "GET api.my_alerts": "401 200 200 200 200 200 200 200",
    "GET api.my_notifications": "401 200 200 200 200 200 200 200",
    "GET api.my_opportunities": "401 200 200 200 200 200 200 200",
    "GET api.offer": "404 404 404 200 200 200 200 200",
    "GET api.offers": "200 200 200 200 200 200 200 200",
    "GET api.openapi_json": "200 200 200 200 200 200 200 200",
    "GET api.profile": "404 404 404 200 200 200 200 200",
    "GET api.profiles": "200 200 200 200 200 200 200 200",
    "GET api.requests_of": "401 404 404 403 403 200 403 403",
    "GET api.skills": "200 200 200 200 200 200 200 200",
    "GET api.subcontract": "401 404 404 404 200 404 200 200",
    "GET api.subcontracts": "401 200 200 200 200 200 200 200",
    "GET api.tender": "404 404 404 200 200 200 200 200",
    "GET api.tender_calendar": "404 404 404 200 200 200 200 200",
    "GET api.tender_suggestions": "404 404 404 200 200 200 200 200",
    "GET api.tenders": "200 200 200 200 200 200 200 200",
    "GET auth.forgot": "200 200 200 200 200 200 200 200",
    "GET auth.invitation": "400 400 400 400 400 400 400 400",
    "GET auth.login": "200 302 302 302 302 302 302 302",
    "GET auth.reset": "400 400 400 400 400 400 400 400",
    "GET auth.signup": "200 302 302 302 302 302 302 302",
    "GET caes.edit": "login 403 403 403 403 403 200 200",
    "GET caes.index": "200 200 200 200 200 200 200 200",
    "GET caes.new": "login 403 403 403 403 403 403 200",
    "GET caes.show": "200 200 200 200 200 200 200 200",
    "GET collectives.create": "login 200 200 200 200 200 200 200",
    "GET collectives.decision": "404 404 404 200 200 200 200 200",
    "GET collectives.edit": "login 404 404 403 403 200 403 403",
    "GET collectives.index": "200 200 200 200 200 200 200 200",
    "GET collectives.show": "404 404 404 200 200 200 200 200",
    "GET conversations.index": "login 200 200 200 200 200 200 200",
    "GET conversations.new": "login 404 404 404 404 404 404 404",
    "GET conversations.reports_page": "login 403 403 403 403 403 403 200",
    "GET conversations.show": "login 404 404 404 200 404 404 404",
    "GET collectives.thread": "404 404 404 200 200 200 200 200",
    "GET collectives.threads": "404 404 404 200 200 200 200 200",
    "GET main.health": "200 200 200 200 200 200 200 200",
    "GET main.index": "200 200 200 200 200 200 200 200",
    "GET manage.approvals": "login 403 403 403 403 403 200 200",
    "GET main.privacy": "200 200 200 200 200 200 200 200",
    "GET manage.audit_log": "login 403 403 403 403 403 403 200",
    "GET manage.history": "login 403 403 403 403 403 200 200",
    "GET manage.index": "login 403 403 403 403 403 200 200",
    "GET manage.members": "login 403 403 403 403 403 200 200",
    "GET manage.outbox": "login 403 403 403 403 403 403 200",
    "GET manage.statuses_page": "login 403 403 403 403 403 200 404",
    "GET manage.search_concepts_page": "login 403 403 403 403 403 403 200",
    "GET manage.search_misses_page": "login 403 403 403 403 403 403 200",
    "GET manage.users": "login 403 403 403 403 403 403 200",
    "GET notifications.index": "login 200 200 200 200 200 200 200",
    "GET notifications.settings": "login 200 200 200 200 200 200 200",
    "GET offers.index": "200 200 200 200 200 200 200 200",
    "GET offers.new": "login 200 200 200 200 200 200 200",
    "GET offers.show": "404 404 404 200 200 200 200 200",
    "GET profiles.edit": "login 200 200 200 200 200 200 200",
    "GET profiles.photo": "404 404 404 302 302 302 302 302",
    "GET profiles.index": "200 200 200 200 200 200 200 200",
    "GET profiles.show": "404 404 404 200 200 200 200 200",
    "GET search.index": "200 200 200 200 200 200 200 200",
    "GET subcontracts.figures": "login 403 403 403 403 403 200 200",
    "GET subcontracts.index": "login 200 200 200 200 200 200 200",
    "GET subcontracts.new": "login 200 200 200 200 200 200 200",
    "GET subcontracts.show": "login 404 404 404 200 404 200 200",
    "GET tender_invitations.new": "login 404 404 403 404 403 403 403",
    "GET tender_invitations.show": "login 404 404 404 200 404 404 404",
    "GET tenders.edit": "login 404 404 403 200 403 403 403",
    "GET tenders.index": "200 200 200 200 200 200 200 200",
    "GET tenders.new": "login 200 200 200 200 200 200 200",
    "GET tenders.sheet": "404 404 404 200 200 200 200 200",
    "GET tenders.show": "404 404 404 200 200 200 200 200",
    "GET tenders.team_csv": "404 404 404 200 200 200 200 200",
    "PATCH api.patch_approval_settings": "401 404 404 404 404 404 200 200",
    "PATCH api.patch_recommendation": "401 404 404 404 200 404 404 404",
    "PATCH api.patch_tender": "401 404 404 403 200 403 403 403",
    "PATCH api.update_collective": "401 404 404 403 403 200 403 403",
    "PATCH api.update_my_profile": "401 200 200 200 200 200 200 200",
    "POST accounts.delete": "login 422 422 422 422 422 422 422",
    "POST accounts.password": "login 422 422 422 422 422 422 422",
    "POST accounts.revoke_token": "login 404 404 404 302 404 404 404",
    "POST accounts.settings": "login 422 422 422 422 422 422 422",
    "POST accounts.tokens": "login 200 200 200 200 200 200 200",
    "POST alerts.create": "login 302 302 302 302 302 302 302",
    "POST alerts.delete": "login 404 404 404 302 404 404 404",
    "POST alerts.suggestions": "login 302 302 302 302 302 302 302",
    "POST api.accept": "401 404 404 403 201 403 403 403",
    "POST api.answer_invitation": "401 404 404 404 404 404 404 404",
    "POST api.answer_tender_invitation": "401 404 404 404 404 404 404 404",
    "POST api.block_conversation": "401 404 404 404 200 404 404 404",
    "POST api.comment_on_decision": "401 404 404 403 201 201 403 403",
    "POST api.create_collective": "401 403 201 201 201 201 201 201",
    "POST api.create_my_alert": "401 201 201 201 201 201 201 201",
    "POST api.decide_application": "401 404 404 403 200 403 403 403",
    "POST api.decide_approval": "401 404 404 404 404 404 200 200",
    "POST api.decide_request": "401 404 404 403 403 200 403 403",
    "POST api.decide_status": "401 404 404 404 404 404 200 200",
    "POST api.follow_thread": "401 404 404 403 200 200 403 403",
    "POST api.invite": "401 404 404 403 403 201 403 403",
    "POST api.invite_to_tender": "401 404 404 403 201 403 403 403",
    "POST api.join": "401 404 404 200 409 409 200 200",
    "POST api.leave": "401 404 404 409 200 409 409 409",
    "POST api.move_subcontract": "401 404 404 404 200 404 409 409",
    "POST api.open_decision": "401 404 404 403 403 201 403 403",
    "POST api.open_thread": "401 404 404 403 201 201 403 403",
    "POST api.post_application": "401 404 404 201 409 201 201 201",
    "POST api.post_offer": "401 403 201 201 201 201 201 201",
    "POST api.post_recommendation": "401 404 404 404 409 404 403 403",
    "POST api.post_response": "401 404 404 201 409 201 201 201",
    "POST api.post_outcome": "401 404 404 403 403 403 403 403",
    "POST api.post_subcontract": "401 403 422 201 201 201 201 201",
    "POST api.post_team": "401 404 404 409 409 409 409 409",
    "POST api.post_tender": "401 403 201 201 201 201 201 201",
    "POST api.read_my_notifications": "401 200 200 200 200 200 200 200",
    "POST api.request_tender_approvals": "401 404 404 403 200 403 403 403",
    "POST api.report_message": "401 404 404 404 201 404 404 404",
    "POST api.send_message": "401 404 404 404 201 404 404 404",
    "POST api.start_conversation": "401 403 404 201 201 201 201 201",
    "POST api.unblock_conversation": "401 404 404 404 200 404 404 404",
    "POST api.reply": "401 404 404 403 201 201 403 403",
    "POST api.vote": "401 404 404 403 200 200 403 403",
    "POST auth.forgot": "422 422 422 422 422 422 422 422",
    "POST auth.invitation": "400 400 400 400 400 400 400 400",
    "POST auth.login": "422 422 422 422 422 422 422 422",
    "POST auth.logout": "302 302 302 302 302 302 302 302",
    "POST auth.reset": "400 400 400 400 400 400 400 400",
    "POST auth.signup": "422 302 302 302 302 302 302 302",
    "POST caes.edit": "login 403 403 403 403 403 302 422",
    "POST caes.new": "login 403 403 403 403 403 403 422",
    "POST collectives.answer_invitation": "login 404 404 404 404 404 404 404",
    "POST collectives.cancel_invitation": "login 404 404 403 403 302 403 403",
    "POST collectives.comment": "login 404 404 403 302 302 403 403",
    "POST collectives.create": "login 302 302 302 302 302 302 302",
    "POST collectives.decide": "login 404 404 403 403 302 403 403",
    "POST collectives.edit": "login 404 404 403 403 422 403 403",
    "POST collectives.follow": "login 404 404 403 302 302 403 403",
    "POST collectives.invite": "login 404 404 403 403 302 403 403",
    "POST collectives.invite_from_profile": "login 400 400 400 400 400 400 400",
    "POST collectives.join": "login 404 404 302 302 302 302 302",
    "POST collectives.leave": "login 404 404 302 302 302 302 302",
    "POST collectives.new_thread": "login 404 404 403 302 302 403 403",
    "POST collectives.propose": "login 404 404 403 403 422 403 403",
    "POST collectives.remove": "login 404 404 403 403 302 403 403",
    "POST collectives.reply": "login 404 404 403 302 302 403 403",
    "POST collectives.role": "login 404 404 403 403 302 403 403",
    "POST collectives.vote": "login 404 404 403 302 302 403 403",
    "POST collectives.withdraw": "login 404 404 404 404 404 404 404",
    "POST conversations.block": "login 404 404 404 303 404 404 404",
    "POST conversations.reply": "login 404 404 404 303 404 404 404",
    "POST conversations.report": "login 404 404 404 303 404 404 404",
    "POST conversations.review": "login 403 403 403 403 403 403 303",
    "POST conversations.start": "login 404 404 404 404 404 404 404",
    "POST conversations.unblock": "login 404 404 404 303 404 404 404",
    "POST main.set_language": "302 302 302 302 302 302 302 302",
    "POST manage.decide": "login 403 403 403 403 403 302 302",
    "POST manage.decide_approval_view": "login 403 403 403 403 403 302 302",
    "POST manage.decide_status": "login 403 403 403 403 403 302 404",
    "POST manage.resend_mail": "login 403 403 403 403 403 403 302",
    "POST manage.add_search_concept": "login 403 403 403 403 403 403 422",
    "POST manage.delete_search_concept": "login 403 403 403 403 403 403 302",
    "POST manage.link_search_miss": "login 403 403 403 403 403 403 422",
    "POST manage.set_role": "login 403 403 403 403 403 403 302",
    "POST manage.set_threshold": "login 403 403 403 403 403 302 404",
    "POST manage.verify_many": "login 403 403 403 403 403 302 302",
    "POST notifications.read_all": "login 302 302 302 302 302 302 302",
    "POST notifications.read_one": "login 404 404 404 302 404 404 404",
    "POST notifications.settings": "login 422 422 422 422 422 422 422",
    "POST offers.accept": "login 404 404 403 302 403 403 403",
    "POST offers.close": "login 404 404 403 302 403 403 403",
    "POST offers.new": "login 422 302 302 302 302 302 302",
    "POST offers.outcome": "login 404 404 403 403 403 403 403",
    "POST offers.post_response": "login 404 404 302 422 302 302 302",
    "POST profiles.delete_photo": "login 302 302 302 302 302 302 302",
    "POST profiles.edit": "login 422 422 422 422 422 422 422",
    "POST profiles.hide_recommendation": "login 404 404 404 302 404 404 404",
    "POST profiles.upload_photo": "login 422 422 422 422 422 422 422",
    "POST subcontracts.consent": "login 404 404 404 302 404 403 403",
    "POST subcontracts.move": "login 404 404 404 302 404 409 409",
    "POST subcontracts.new": "login 422 422 422 422 422 422 422",
    "POST subcontracts.recommend_party": "login 404 404 404 302 404 403 403",
    "POST tender_invitations.answer": "login 404 404 404 303 404 404 404",
    "POST tender_invitations.create": "login 404 404 403 404 403 403 403",
    "POST tenders.apply_to": "login 404 404 302 303 302 302 302",
    "POST tenders.build": "login 404 404 303 303 303 303 303",
    "POST tenders.ask_approvals": "login 404 404 403 302 403 403 403",
    "POST tenders.decision": "login 404 404 403 302 403 403 403",
    "POST tenders.edit": "login 404 404 403 422 403 403 403",
    "POST tenders.new": "login 422 422 422 422 422 422 422",
    "POST tenders.reference_consent": "login 404 404 403 302 403 403 403",
    "POST tenders.share": "login 404 404 403 303 403 403 403",
    "POST tenders.status": "login 404 404 403 303 403 403 403",
    "POST tenders.team": "login 404 404 403 302 403 403 403",
    "PUT api.put_my_profile_photo": "401 422 422 422 422 422 422 422",
    "PUT api.put_subcontract_consent": "401 404 404 404 200 404 403 403",
    "PUT api.put_tender_consent": "401 404 404 403 409 403 403 403",
}  # fmt: skip


@pytest.fixture(scope="module")
def world_app(database_url, tmp_path_factory):
    with world_in(database_url, tmp_path_factory.mktemp("matrix")) as app_and_world:
        yield app_and_world


def cells() -> list[tuple[str, str, str]]:
    from marketplace import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNCHECKED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.endpoint, rule.rule))
    return sorted(found)


CELLS = cells()


def url_for_cell(world, endpoint: str, rule: str) -> str:
    overrides = PARAMS.get(endpoint, {})

    def value(match: re.Match) -> str:
        name = match.group(2)
        if name in overrides:
            return str(world.users[overrides[name]].id)
        if name == "token":
            return "not-a-valid-token"
        return str(world.ids[name])

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule)


def answer(app, world, role: str, method: str, endpoint: str, rule: str) -> str:
    url = url_for_cell(world, endpoint, rule)
    api = url.startswith("/api/")
    client, headers = client_as(app, world, role, api)
    body = bodies(world).get(endpoint, {})
    kwargs = {"json": body} if api else {"data": body}
    if method == "GET":
        kwargs = {}
    response = client.open(url, method=method, headers=headers, **kwargs)
    code = response.status_code
    if code in (301, 302, 303) and "/connexion" in response.headers.get("Location", ""):
        return "login"
    return str(code)


def observed(app, world, method, endpoint, rule) -> str:
    return " ".join(answer(app, world, role, method, endpoint, rule) for role in ROLES)


def test_every_route_is_in_the_matrix():
    keys = {f"{method} {endpoint}" for method, endpoint, _rule in CELLS}
    missing = sorted(keys - set(MATRIX))
    stale = sorted(set(MATRIX) - keys)
    assert not missing, f"routes without an entry in the authorization matrix: {missing}"
    assert not stale, f"matrix entries without a route: {stale}"


@pytest.mark.parametrize(
    ("method", "endpoint", "rule"), CELLS, ids=[f"{m} {e}" for m, e, _ in CELLS]
)
def test_answers_by_role(world_app, method, endpoint, rule):
    app, world = world_app
    got = observed(app, world, method, endpoint, rule)
    if os.environ.get("MATRIX_DUMP"):
        with open(os.environ["MATRIX_DUMP"], "a") as out:
            out.write(f'    "{method} {endpoint}": "{got}",\n')
        return
    expected = MATRIX.get(f"{method} {endpoint}")
    assert expected is not None, "add this route to MATRIX"
    assert got.split() == expected.split(), f"{ROLES}"


#: GET routes whose path names objects: a hidden id answers exactly like an id that does not exist.
DETAIL_GETS = [(m, e, r) for m, e, r in CELLS if m == "GET" and "<int:" in r]


@pytest.mark.parametrize(("role", "method", "endpoint", "rule"),
                         [(role, *cell) for role in ("anonymous", "pending", "other_cae")
                          for cell in DETAIL_GETS])  # fmt: skip
def test_hidden_ids_look_like_missing_ones(world_app, role, method, endpoint, rule):
    app, world = world_app
    hidden = answer(app, world, role, method, endpoint, rule)
    if hidden not in ("404", "login", "401"):
        pytest.skip("this object is not hidden from this role")
    missing = dict(world.ids)
    world_missing = type(world)(users=world.users, tokens=world.tokens,
                                ids={k: v + 100_000 for k, v in missing.items()})  # fmt: skip
    assert answer(app, world_missing, role, method, endpoint, rule) == hidden
    if hidden == "login":  # the sign-in redirect carries the address asked for
        return
    client_a, client_b = app.test_client(), app.test_client()
    headers = {}
    if role != "anonymous" and rule.startswith("/api/"):
        headers["Authorization"] = f"Bearer {world.tokens[role]}"
    elif role != "anonymous":
        for c in (client_a, client_b):
            with c.session_transaction() as session:
                session["_user_id"] = world.users[role].get_id()
    url_hidden = url_for_cell(world, endpoint, rule)
    url_missing = url_for_cell(world_missing, endpoint, rule)
    body_hidden = client_a.get(url_hidden, headers=headers).get_data(as_text=True)
    body_missing = client_b.get(url_missing, headers=headers).get_data(as_text=True)
    # The language switch in the footer carries the address asked for, and its form the CSRF
    # token of each visitor's session: nothing else may differ.
    assert without_csrf_tokens(body_hidden.replace(url_hidden, "URL")) == without_csrf_tokens(
        body_missing.replace(url_missing, "URL")
    )


def without_csrf_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', page)


@pytest.mark.parametrize("endpoint", ["api.cae_stats", "api.cae_ledger_csv", "caes.edit",
                                      "manage.members", "manage.history",
                                      "subcontracts.figures"])  # fmt: skip
def test_a_manager_has_no_say_in_another_cae(world_app, endpoint):
    app, world = world_app
    method, _endpoint, rule = next(c for c in CELLS if c[1] == endpoint and c[0] == "GET")
    other = type(world)(users=world.users, tokens=world.tokens,
                        ids={**world.ids, "cae_id": world.ids["other_cae_id"]})  # fmt: skip
    assert answer(app, other, "manager", method, endpoint, rule) in ("403", "404")
