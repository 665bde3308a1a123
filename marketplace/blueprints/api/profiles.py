"""Profiles: the visible list with filters and facets, one profile, the caller and their profile."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.accounts.schemas import Me
from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import page_args, page_body
from marketplace.blueprints.api.spec import (
    operations_for,
)
from marketplace.caes.schemas import cae_ref
from marketplace.errors import NotFound
from marketplace.links import external_url
from marketplace.places.search import Located
from marketplace.profiles.finder import Hit, search_profiles
from marketplace.profiles.models import Profile as ProfileRow
from marketplace.profiles.operations import ProfileFilters, get_profile, update_profile
from marketplace.profiles.photos import LARGE, MAX_BYTES, remove_photo, set_photo
from marketplace.profiles.schemas import (
    Profile,
    ProfileList,
    ProfileQuery,
    ProfileUpdate,
)
from marketplace.trust.queries import Person, TrackRecord, track_record, track_records

operation = operations_for("profiles", write_limit="60 per minute")


def _sees_proposal(profile: ProfileRow) -> bool:
    """A proposed status is for the person and their CAE's managers (and admins)."""
    if profile.status_proposed is None or not current_user.is_authenticated:
        return False
    return current_user.id == profile.user_id or current_user.manages(profile.user.cae_id)


def _person(who: Person) -> dict[str, Any]:
    return {"profile_id": who.profile_id, "display_name": who.display_name}


def _track_values(record: TrackRecord) -> dict[str, Any]:
    """The references Essaim verified and the recommendations, as the reader may see them."""
    return {
        "verified_references": [
            {
                "type": v.type, "id": v.id, "title": v.title, "role": v.role,
                "counterpart": _person(v.counterpart) if v.counterpart else None,
                "year": v.year, "amount_cents": v.amount_cents,
            }
            for v in record.verified
        ],
        "recommendations": [
            {
                "id": r.id, "author": _person(r.author),
                "work": {"type": "subcontract", "id": r.work_id, "title": r.work_title},
                "body": r.body, "hidden": r.hidden, "created_at": r.created_at,
            }
            for r in record.recommendations
        ],
    }  # fmt: skip


def _profile_values(profile: ProfileRow, record: TrackRecord | None = None) -> dict[str, Any]:
    """A profile's fields; relies on the models' eager loading (no query per profile in lists:
    a list passes the track records it read for the whole page)."""
    if record is None:
        record = track_record(current_user, profile)
    user = profile.user
    return {
        "id": profile.id,
        "display_name": user.display_name,
        "headline": profile.headline or "",
        "bio": profile.bio or "",
        "cae": cae_ref(user.cae),
        "status": profile.status,
        "status_proposed": profile.status_proposed if _sees_proposal(profile) else None,
        "city": profile.city or "",
        "department": profile.department,
        "region": profile.region,
        "skills": [{"name": ps.skill.name, "level": ps.level} for ps in profile.skills],
        "certifications": profile.certification_names,
        "certification_details": [
            {"name": pc.name, "valid_until": pc.valid_until, "expired": pc.expired}
            for pc in profile.certifications_sorted
        ],
        "languages": profile.language_names,
        "availability": profile.availability,
        "available_from": profile.available_from,
        "availability_periods": [
            {"starts_on": p.starts_on, "ends_on": p.ends_on, "kind": p.kind, "note": p.note}
            for p in profile.current_periods
        ],
        "daily_rate_cents": profile.daily_rate_cents,
        "references": [
            {
                "title": r.title,
                "client_type": r.client_type,
                "year": r.year,
                "description": r.description,
                "link": r.link,
            }
            for r in profile.references
        ],
        "audience": profile.audience,
        "updated_at": profile.updated_at,
        "url": external_url("profiles.show", profile_id=profile.id),
        "photo_url": photo_url(profile),
        **_track_values(record),
    }


def photo_url(profile: ProfileRow) -> str | None:
    """The address of the profile's current photo (large size), or None."""
    if profile.photo_version is None:
        return None
    return external_url(
        "profiles.photo", profile_id=profile.id, size=LARGE, v=profile.photo_version
    )


def profile_json(profile: ProfileRow) -> dict[str, Any]:
    return Profile.out(**_profile_values(profile))


def me_json(user: User) -> dict[str, Any]:
    return Me.of(
        user,
        cae=cae_ref(user.cae),
        profile=_profile_values(user.profile) if user.profile is not None else None,
    )


def _list_item(
    hit: Hit, ranked: bool, place: Located | None, records: dict[int, TrackRecord]
) -> dict[str, Any]:
    """The values of a ProfileListItem."""
    return {
        **_profile_values(hit.profile, records[hit.profile.id]),
        "distance_km": place.distance(hit.profile) if place else None,
        #: Relevance (higher is better) when the list answers a query; null without one.
        "score": hit.score if ranked else None,
        "highlights": {name: str(text) for name, text in hit.highlights.items()},
    }


@bp.get("/profiles")
@operation.paged("listProfiles", query=ProfileQuery, ok=(ProfileList, "A page of profiles."))
def profiles(query: ProfileQuery) -> Any:
    """Full-text search of visible profiles (best first), or without q the most recently updated
    first; with facets counted over the visible matches.
    """
    # Both go through the search index (search_profiles): visibility is applied in the index
    # query, so totals and facet counts only count what the reader may open, and again against
    # the database for the page's rows.
    filters = ProfileFilters(**query.model_dump())
    page, per_page = page_args()
    result = search_profiles(current_user, filters.q, filters, page, per_page, suggest=False)
    ranked = bool(result.query)
    records = track_records(current_user, [hit.profile for hit in result.items])
    return ProfileList.out(
        **page_body(
            result.items,
            result.total,
            page,
            per_page,
            lambda hit: _list_item(hit, ranked, filters.place, records),
            facets=result.facets,
        )
    )


@bp.get("/profiles/<int:profile_id>")
@operation.read("getProfile", ok=(Profile, "The profile."))
def profile(profile_id: int) -> Any:
    """One profile (404 when absent or not visible to you)."""
    return profile_json(get_profile(current_user, profile_id))


@bp.get("/me")
@operation.read("getMe", ok=(Me, "The caller."), errors=(401,))
def me() -> Any:
    """The caller's account, membership and profile."""
    return me_json(require_user())


@bp.patch("/me/profile")
@operation.update("updateMyProfile", body=ProfileUpdate, ok=(Profile, "The updated profile."))
def update_my_profile(body: ProfileUpdate) -> Any:
    """Change any writable field of one's profile (skills replaces the list)."""
    user = require_user()
    if user.profile is None:
        raise NotFound(_("This profile does not exist or is not visible to you."))
    return profile_json(update_profile(user, user.profile, body))


def _my_profile(user: User) -> ProfileRow:
    if user.profile is None:
        raise NotFound(_("This profile does not exist or is not visible to you."))
    return user.profile


@bp.put("/me/profile/photo")
@operation.write(
    "putMyProfilePhoto",
    limit="20 per minute",
    upload="photo",
    ok=(200, Profile, "The profile with its new photo_url."),
    errors=(400, 401, 404, 409, 422, 429),
)
def put_my_profile_photo() -> Any:
    """Set one's profile photo: multipart/form-data with the image in the field `photo`.

    JPEG, PNG or WebP, at most 4 MB and 40 million pixels, at least 64 pixels a side. The image is
    decoded and re-encoded (square, without its metadata); 422 with a French message for a file
    that is not an accepted image.
    """
    user = require_user()
    upload = request.files.get("photo")
    data = upload.stream.read(MAX_BYTES + 1) if upload is not None else b""
    return profile_json(set_photo(user, _my_profile(user), data))


@bp.delete("/me/profile/photo")
@operation.write(
    "deleteMyProfilePhoto",
    ok=(204, None, "The photo is removed (or there was none)."),
    errors=(401, 404, 429),
)
def delete_my_profile_photo() -> Any:
    """Remove one's profile photo."""
    user = require_user()
    remove_photo(user, _my_profile(user))
    return "", 204
