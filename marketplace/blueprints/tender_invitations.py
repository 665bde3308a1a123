"""Tender invitations in HTML: the owner invites a suggested person (to lots, with a role and
a message); the invitee answers from the invitation's page, where the notification leads."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.blueprints.outcomes import ANY_REFUSAL, flash_errors, form_errors
from marketplace.conversations.forms import ActionForm
from marketplace.errors import Conflict, DeadlinePassed
from marketplace.extensions import db
from marketplace.ids import parse_id
from marketplace.profiles.models import Profile
from marketplace.tenders import invitations as ops
from marketplace.tenders import law
from marketplace.tenders.forms import ApplyForm
from marketplace.tenders.invitation_schemas import TenderInvitationCreate
from marketplace.tenders.models import InvitationState, Tender, TenderInvitation
from marketplace.tenders.operations import get_tender, is_owner
from marketplace.tenders.team import lead_cae_id
from marketplace.visibility import can_view_profile

bp = Blueprint("tender_invitations", __name__, url_prefix="/appels-d-offres")


@bp.app_template_global("tender_invitations")
def tender_invitations(tender: Tender) -> list[TenderInvitation]:
    """The invitations of a tender this reader may see (owner: all; invitee: theirs), read
    once per request whatever the number of suggestions that ask."""
    cache = g.setdefault("tender_invitations", {})
    if tender.id not in cache:
        cache[tender.id] = ops.invitations_for(current_user, tender)
    return cache[tender.id]


@bp.app_template_global("invited_profiles")
def invited_profiles(tender: Tender) -> set[int]:
    return {i.invitee_profile_id for i in tender_invitations(tender)}


def _in_the_leads_cae(tender: Tender, profile: Profile) -> bool:
    """Someone of the lead's CAE joins the CAE's own bid: its words, not a groupement's."""
    leads_cae = lead_cae_id(tender)
    return leads_cae is not None and profile.user.cae_id == leads_cae


def _invite_page(tender: Tender, profile: Profile, form: ApplyForm):
    form.lot_ids.choices = [(lot.id, f"{lot.number}. {lot.title}") for lot in tender.lots]
    same_cae = _in_the_leads_cae(tender, profile)
    form.role.choices = list(law.apply_roles(same_cae).items())
    if same_cae:
        form.role.label.text = _("Role")
    return render_template(
        "conversations/tender_invite.html",
        tender=tender,
        profile=profile,
        form=form,
        same_cae=same_cae,
    )


def _owner_and_profile(tender_id: int) -> tuple[Tender, Profile]:
    tender = get_tender(current_user, tender_id)
    if not is_owner(current_user, tender):
        abort(403)
    profile_id = parse_id(request.args.get("profil"))
    profile = db.session.get(Profile, profile_id) if profile_id is not None else None
    if profile is None or not can_view_profile(current_user, profile):
        abort(404)
    return tender, profile


@bp.get("/<int:tender_id>/inviter")
@login_required
def new(tender_id: int):
    tender, profile = _owner_and_profile(tender_id)
    form = ApplyForm(formdata=None)
    lot = parse_id(request.args.get("lot"))
    form.lot_ids.data = [x.id for x in tender.lots if x.number == lot]
    return _invite_page(tender, profile, form)


@bp.post("/<int:tender_id>/inviter")
@login_required
def create(tender_id: int):
    tender, profile = _owner_and_profile(tender_id)
    form = ApplyForm()
    form.lot_ids.choices = [(lot.id, str(lot.number)) for lot in tender.lots]
    back = url_for("tenders.show", tender_id=tender.id) + "#suggestions"
    with (
        flash_errors(back, catch=(Conflict, DeadlinePassed), status=303, rollback=True),
        form_errors(form, lambda: _invite_page(tender, profile, form)),
    ):
        body = TenderInvitationCreate.load(
            {
                "profile_id": profile.id,
                "lot_ids": form.lot_ids.data or [],
                "role": form.role.data,
                "message": form.message.data or "",
            }
        )
        ops.invite(current_user, tender, body)
    flash(_("The invitation is sent."), "success")
    return redirect(back, 303)


@bp.get("/<int:tender_id>/invitations/<int:tender_invitation_id>")
@login_required
def show(tender_id: int, tender_invitation_id: int):
    tender = get_tender(current_user, tender_id)
    invitation = ops.get_invitation(current_user, tender, tender_invitation_id)
    return render_template(
        "conversations/tender_invitation.html",
        tender=tender,
        invitation=invitation,
        mine=invitation.invitee.user_id == current_user.id,
        form=ActionForm(formdata=None),
        roles=law.apply_roles(_in_the_leads_cae(tender, invitation.invitee)),
        states=InvitationState.labels(),
    )


@bp.post("/<int:tender_id>/invitations/<int:tender_invitation_id>/reponse")
@login_required
def answer(tender_id: int, tender_invitation_id: int):
    tender = get_tender(current_user, tender_id)
    invitation = ops.get_invitation(current_user, tender, tender_invitation_id)
    ActionForm()
    accept = request.form.get("accept") is not None
    back = url_for(
        "tender_invitations.show", tender_id=tender.id, tender_invitation_id=invitation.id
    )
    with flash_errors(back, catch=ANY_REFUSAL, status=303, rollback=True):
        ops.respond(current_user, invitation, accept)
    if accept:
        flash(_("You are in the team."), "success")
        return redirect(url_for("tenders.show", tender_id=tender.id) + "#equipe", 303)
    flash(_("You declined the invitation."), "info")
    return redirect(back, 303)
