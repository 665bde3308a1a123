"""Unit tests of the core operations: accounts, membership, profiles, skills, visibility."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Anonymous, MembershipEvent
from marketplace.accounts.operations import (
    authenticate,
    change_membership,
    create_account,
    create_api_token,
    make_password_token,
    set_password,
    user_from_api_token,
    user_from_password_token,
)
from marketplace.actors import SYSTEM
from marketplace.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.profiles.operations import ProfileFilters, filtered_profiles, update_profile
from marketplace.skills.models import Skill
from marketplace.visibility import can_view_profile
from tests.conftest import PASSWORD


def test_create_account_hashes_password_and_records_membership(make_cae):
    cae = make_cae()
    user = create_account(
        SYSTEM,
        email="  Alice@Example.ORG ",
        first_name="Alice",
        last_name="Durand",
        cae=cae,
        password=PASSWORD,
    )
    db.session.commit()
    assert user.email == "alice@example.org"
    assert user.password_hash and PASSWORD not in user.password_hash
    assert user.membership == "pending"
    assert user.profile is not None
    events = db.session.scalars(select(MembershipEvent).where(MembershipEvent.user_id == user.id))
    assert [(e.from_state, e.to_state) for e in events] == [(None, "pending")]


@pytest.mark.parametrize(
    "password",
    ["court", "azertyuiop", "AZERTYUIOP", "1234567890", "aaaaaaaaaaaa", "alice.durand2026"],
)
def test_weak_passwords_are_refused(make_cae, password):
    with pytest.raises(ValidationError) as info:
        create_account(
            SYSTEM,
            email="alice.durand@example.org",
            first_name="Alice",
            last_name="Durand",
            cae=make_cae(),
            password=password,
        )
    assert "password" in info.value.fields


def test_duplicate_email_is_a_conflict(make_user):
    user = make_user()
    with pytest.raises(Conflict):
        create_account(
            SYSTEM,
            email=user.email.upper(),
            first_name="A",
            last_name="B",
            cae=user.cae,
            password=PASSWORD,
        )


def test_authenticate(make_user):
    user = make_user()
    assert authenticate(user.email.upper(), PASSWORD) == user
    assert authenticate(user.email, "wrong password!") is None
    assert authenticate("nobody@example.org", PASSWORD) is None


def test_membership_transitions_need_a_manager_of_that_cae(make_user, make_cae):
    cae = make_cae()
    person = make_user(cae, verified=False)
    other_manager = make_user(make_cae(), role="manager")
    manager = make_user(cae, role="manager")
    member = make_user(cae)
    with pytest.raises(PermissionDenied):
        change_membership(other_manager, person, "verified")
    with pytest.raises(PermissionDenied):
        change_membership(member, person, "verified")
    change_membership(manager, person, "verified", "Connu·e de l'équipe")
    assert person.membership == "verified"
    with pytest.raises(InvalidTransition):
        change_membership(manager, person, "verified")
    history = db.session.scalars(
        select(MembershipEvent)
        .where(MembershipEvent.user_id == person.id)
        .order_by(MembershipEvent.id)
    ).all()
    assert [(e.from_state, e.to_state, e.actor_id) for e in history] == [
        (None, "pending", None),
        ("pending", "verified", manager.id),
    ]


def test_reset_token_works_once(make_user):
    user = make_user()
    token = make_password_token(user)
    assert user_from_password_token(token) == user
    assert user_from_password_token(token, "invitation") is None
    set_password(user, "Une-Nouvelle-Ruche-42")
    assert user_from_password_token(token) is None
    assert user_from_password_token("garbage") is None


def test_api_tokens_are_stored_hashed(make_user):
    user = make_user()
    token, clear = create_api_token(user, user, "script")
    assert clear not in token.token_hash
    assert user_from_api_token(clear) == user
    assert user_from_api_token(clear + "x") is None


def test_skills_are_shared_and_normalised(make_user):
    a = make_user(skills=[{"name": "Rénovation énergétique", "level": 4}])
    b = make_user(skills=[{"name": "RÉNOVATION ÉNERGÉTIQUE", "level": 2}])
    c = make_user(skills=[{"name": "  renovation   energetique ", "level": 3}])
    skills = db.session.scalars(select(Skill)).all()
    assert len(skills) == 1
    assert skills[0].name == "Rénovation énergétique"
    assert {p.skills[0].skill_id for p in (a.profile, b.profile, c.profile)} == {skills[0].id}


def test_profile_validation_reports_every_field(make_user):
    user = make_user()
    with pytest.raises(ValidationError) as info:
        update_profile(
            user,
            user.profile,
            {
                "department": "99",
                "audience": "world",
                "skills": [{"name": "Plomberie", "level": 7}],
                "daily_rate_cents": -5,
                "headline": "x" * 200,
            },
        )
    assert set(info.value.fields) == {
        "department",
        "audience",
        "skills",
        "daily_rate_cents",
        "headline",
    }


def test_profile_update_by_someone_else_is_refused(make_user):
    owner, stranger = make_user(), make_user()
    with pytest.raises(PermissionDenied):
        update_profile(stranger, owner.profile, {"headline": "pirate"})


@pytest.mark.parametrize(
    ("audience", "anonymous", "pending_same_cae", "other_cae", "same_cae"),
    [
        ("public", True, True, True, True),
        ("network", False, False, True, True),
        ("cae", False, False, False, True),
    ],
)
def test_visibility_rule(
    make_user, make_cae, audience, anonymous, pending_same_cae, other_cae, same_cae
):
    cae = make_cae()
    owner = make_user(cae, audience=audience)
    viewers = {
        "anonymous": Anonymous(),
        "pending_same_cae": make_user(cae, verified=False),
        "other_cae": make_user(make_cae()),
        "same_cae": make_user(cae),
    }
    expected = {
        "anonymous": anonymous,
        "pending_same_cae": pending_same_cae,
        "other_cae": other_cae,
        "same_cae": same_cae,
    }
    for name, viewer in viewers.items():
        assert can_view_profile(viewer, owner.profile) is expected[name], name
        listed = owner.profile.id in {
            p.id for p in db.session.scalars(filtered_profiles(viewer, ProfileFilters())).unique()
        }
        assert listed is expected[name], name


def test_system_actor_skips_the_checks_but_sees_as_nobody(make_user, make_cae):
    """SYSTEM (command line, demo, importer) may edit anyone's profile; it reads as nobody."""
    owner = make_user(make_cae(), audience="network")
    with pytest.raises(PermissionDenied):
        update_profile(make_user(make_cae()), owner.profile, {"headline": "Ébéniste"})
    update_profile(SYSTEM, owner.profile, {"headline": "Ébéniste"})
    assert owner.profile.headline == "Ébéniste"
    assert not can_view_profile(SYSTEM, owner.profile)
    with pytest.raises(PermissionDenied):
        create_api_token(make_user(make_cae()), owner, "Script")
    assert create_api_token(SYSTEM, owner, "Script")[1]


def test_unverified_owner_is_hidden_except_from_own_cae_managers(make_user, make_cae):
    cae = make_cae()
    owner = make_user(cae, verified=False, audience="public")
    manager = make_user(cae, role="manager")
    admin = make_user(role="admin")
    assert not can_view_profile(Anonymous(), owner.profile)
    assert not can_view_profile(make_user(cae), owner.profile)
    assert can_view_profile(manager, owner.profile)
    assert can_view_profile(admin, owner.profile)
    assert can_view_profile(owner, owner.profile)


def test_production_hashing_is_scrypt(app):
    from marketplace.accounts.passwords import hash_password, verify_password

    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("scrypt:")
    assert verify_password(hashed, PASSWORD)
