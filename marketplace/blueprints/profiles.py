"""Skill profiles in HTML: the list with its filters, a profile's page and one's own edit page."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.blueprints.outcomes import form_errors
from marketplace.blueprints.paging import filtered_page
from marketplace.caes.models import Cae
from marketplace.collectives.queries import collectives_of_person, coordinated_by
from marketplace.extensions import db
from marketplace.pagination import Pager
from marketplace.profiles.forms import AUDIENCE_HELP, ProfileFilterForm, ProfileForm
from marketplace.profiles.listing import list_profiles
from marketplace.profiles.models import Profile
from marketplace.profiles.operations import (
    ProfileFilters,
    get_profile,
    update_profile,
)
from marketplace.profiles.schemas import ProfileUpdate

bp = Blueprint("profiles", __name__, url_prefix="/profils")

PER_PAGE = 20


@bp.get("")
def index():
    caes = [(c.id, c.name) for c in db.session.execute(select(Cae.id, Cae.name).order_by(Cae.name))]
    form = ProfileFilterForm(caes, formdata=request.args)

    def page(profiles: list, pager: Pager):
        return render_template(
            "profiles/index.html",
            form=form,
            profiles=profiles,
            pager=pager,
            args=form.active_args(),
            place=form.place(),
            alert_kind="profiles",
        )

    with form_errors(form, lambda: page([], Pager(1, PER_PAGE, 0))):  # an unknown place
        profiles, pager = filtered_page(form, list_profiles, ProfileFilters, PER_PAGE)
    return page(profiles, pager)


@bp.get("/<int:profile_id>")
def show(profile_id: int):
    profile = get_profile(current_user, profile_id)  # NotFound: the 404 page
    levels = [
        (level, list(rows))
        for level, rows in groupby(
            sorted(profile.skills, key=lambda ps: (-ps.level, ps.position)), key=lambda ps: ps.level
        )
    ]
    is_owner = current_user.is_authenticated and current_user.id == profile.user_id

    coordinated = [] if is_owner else coordinated_by(current_user)
    return render_template(
        "profiles/show.html",
        profile=profile,
        levels=levels,
        is_owner=is_owner,
        shows_audience=is_owner or current_user.manages(profile.cae_id),
        coordinated=coordinated,
        collectives=collectives_of_person(current_user, profile.user_id),
    )


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def edit():
    profile: Profile | None = current_user.profile
    if profile is None:  # every account gets one at creation; be safe with odd data
        abort(404)
    if request.method == "GET":
        return _edit_page(ProfileForm.for_profile(profile), profile)

    form = ProfileForm()
    if form.add_rows.data:
        # Without JavaScript: three more empty rows, nothing saved, everything typed kept.
        form.add_empty_rows()
        return _edit_page(form, profile)

    valid = form.validate()
    with form_errors(form, lambda: _edit_page(form, profile)):
        changes = ProfileUpdate.load(form.profile_data(), partial=True)
        if valid:  # else the schema's messages join the form's on the other fields
            update_profile(current_user, profile, changes)
    if form.has_errors:
        return _edit_page(form, profile), 422
    flash(_("Your profile is saved."), "success")
    return redirect(url_for("profiles.show", profile_id=profile.id))


def _edit_page(form: ProfileForm, profile: Profile) -> str:
    return render_template(
        "profiles/edit.html", form=form, profile=profile, audience_help=AUDIENCE_HELP
    )
