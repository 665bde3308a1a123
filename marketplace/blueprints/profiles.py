"""Skill profiles in HTML: the list with its filters, a profile's page and one's own edit page."""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.blueprints.outcomes import form_errors
from marketplace.blueprints.paging import filtered_list
from marketplace.caes.operations import cae_choices
from marketplace.collectives.queries import collectives_of_person, coordinated_by
from marketplace.profiles.calendar import months
from marketplace.profiles.forms import (
    AUDIENCE_HELP,
    PhotoForm,
    ProfileFilterForm,
    ProfileForm,
)
from marketplace.profiles.listing import list_profiles
from marketplace.profiles.models import ClientType, PeriodKind, Profile
from marketplace.profiles.onboarding import checklist
from marketplace.profiles.operations import (
    ProfileFilters,
    get_profile,
    update_profile,
)
from marketplace.profiles.photos import (
    CONTENT_TYPE,
    MAX_BYTES,
    SIZES,
    read_photo,
    remove_photo,
    set_photo,
)
from marketplace.profiles.schemas import ProfileUpdate
from marketplace.timeutil import to_paris, utcnow
from marketplace.trust.forms import HideForm
from marketplace.trust.models import VerifiedRole
from marketplace.trust.operations import set_recommendation_hidden
from marketplace.trust.queries import track_record

bp = Blueprint("profiles", __name__, url_prefix="/profils")

PER_PAGE = 20


@bp.get("")
def index():
    form = ProfileFilterForm(cae_choices(), formdata=request.args)

    return filtered_list("profiles", form, list_profiles, ProfileFilters, PER_PAGE)


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
    collectives = collectives_of_person(current_user, profile.user_id)
    steps = checklist(profile, len(collectives)) if is_owner else []
    return render_template(
        "profiles/show.html",
        profile=profile,
        levels=levels,
        is_owner=is_owner,
        shows_audience=is_owner or current_user.manages(profile.cae_id),
        coordinated=coordinated,
        collectives=collectives,
        steps=steps if not all(step.done for step in steps) else [],
        track=track_record(current_user, profile),
        labels_verified_role=VerifiedRole.labels(),
        **_calendar(profile),
    )


@bp.post("/moi/recommandations/<int:recommendation_id>")
@login_required
def hide_recommendation(recommendation_id: int):
    form = HideForm()
    if not form.validate() or form.hidden.data not in ("0", "1"):
        flash(_("The form has expired. Please send it again."), "error")
        return redirect(url_for("profiles.show", profile_id=_own_profile().id)), 303
    hidden = form.hidden.data == "1"
    set_recommendation_hidden(current_user, recommendation_id, hidden)
    if hidden:
        flash(_("The recommendation is hidden from your profile."), "success")
    else:
        flash(_("The recommendation is shown on your profile again."), "success")
    return redirect(
        url_for("profiles.show", profile_id=_own_profile().id)
        + f"#recommendation-{recommendation_id}"
    )


def _calendar(profile: Profile) -> dict[str, Any]:
    """The calendar's months (with their names), the weekdays' names and the kinds' labels."""
    today = to_paris(utcnow()).date()
    monday = today - timedelta(days=today.weekday())
    return {
        "calendar_months": [
            (format_date(month.first, "LLLL yyyy"), month)
            for month in months(profile.current_periods, today)
        ],
        "weekdays": [
            (format_date(day, "EEEEE"), format_date(day, "EEEE"))
            for day in (monday + timedelta(days=n) for n in range(7))
        ],
        "labels_period": PeriodKind.labels(),
        "labels_client": ClientType.labels(),
    }


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


def _edit_page(form: ProfileForm, profile: Profile, photo_form: PhotoForm | None = None) -> str:
    return render_template(
        "profiles/edit.html",
        form=form,
        profile=profile,
        audience_help=AUDIENCE_HELP,
        photo_form=photo_form or PhotoForm(formdata=None),
    )


def _own_profile() -> Profile:
    profile: Profile | None = current_user.profile
    if profile is None:
        abort(404)
    return profile


#: A photo's URL names its version: the browser keeps it for a year without asking again.
#: "private": only the reader's browser, never a shared cache (the profile may not be public).
PHOTO_CACHE = "private, max-age=31536000, immutable"


@bp.get("/<int:profile_id>/photo/<int:size>")
def photo(profile_id: int, size: int):
    """A profile's photo (?v= its version), to whoever may see the profile; 404 otherwise."""
    profile = get_profile(current_user, profile_id)  # NotFound for a hidden profile
    version = profile.photo_version
    if version is None or size not in SIZES:
        abort(404)
    if request.args.get("v") != version:  # an older or unversioned address: the current one
        response = redirect(url_for(".photo", profile_id=profile_id, size=size, v=version))
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    data = read_photo(profile, size)
    if data is None:
        abort(404)
    response = Response(data, mimetype=CONTENT_TYPE)
    response.set_etag(f"{version}-{size}")
    response.headers["Cache-Control"] = PHOTO_CACHE
    return response.make_conditional(request)


@bp.post("/moi/photo")
@login_required
def upload_photo():
    profile = _own_profile()
    form = PhotoForm()
    page = lambda: _edit_page(ProfileForm.for_profile(profile), profile, form)  # noqa: E731
    if not form.validate():
        return page(), 422
    with form_errors(form, page):
        set_photo(current_user, profile, form.photo.data.stream.read(MAX_BYTES + 1))
    flash(_("Your photo is saved."), "success")
    return redirect(url_for("profiles.edit"))


@bp.post("/moi/photo/supprimer")
@login_required
def delete_photo():
    remove_photo(current_user, _own_profile())  # a button; CSRF is checked for every POST
    flash(_("Your photo is removed."), "success")
    return redirect(url_for("profiles.edit"))
