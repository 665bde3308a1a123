"""The onboarding checklist on one's own profile: progress, links, gone once done."""

from __future__ import annotations

import io

from PIL import Image

from marketplace.actors import SYSTEM
from marketplace.collectives.operations import create_collective
from marketplace.extensions import db
from marketplace.profiles.photos import set_photo


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (100, 100), (1, 2, 3)).save(out, "PNG")
    return out.getvalue()


def test_a_new_member_sees_the_checklist_until_it_is_done(client, make_user, login):
    user = make_user()
    login(user)
    page = client.get(f"/profils/{user.profile.id}").get_data(as_text=True)
    assert "Complétez votre profil" in page
    assert "0 étape(s) faite(s) sur 5" in page and 'value="0"' in page
    assert '<a href="/profils/moi">Ajouter une photo</a>' in page
    assert '<a href="/collectifs">Rejoindre un premier collectif</a>' in page

    from marketplace.profiles.operations import update_profile

    update_profile(SYSTEM, user.profile, {
        "skills": [{"name": "Menuiserie", "level": 3}], "bio": "Menuisière depuis dix ans.",
    })  # fmt: skip
    db.session.commit()
    page = client.get(f"/profils/{user.profile.id}").get_data(as_text=True)
    assert "2 étape(s) faite(s) sur 5" in page
    assert 'Indiquer vos compétences <span class="visually-hidden">(fait)</span>' in page

    set_photo(SYSTEM, user.profile, png())
    update_profile(SYSTEM, user.profile, {"availability": "partial"})
    create_collective(user, {"name": "Bois et Cie", "audience": "network"})
    db.session.commit()
    page = client.get(f"/profils/{user.profile.id}").get_data(as_text=True)
    assert "Complétez votre profil" not in page


def test_others_never_see_someone_s_checklist(client, make_cae, make_user, login):
    cae = make_cae()
    owner = make_user(cae)
    login(make_user(cae))
    page = client.get(f"/profils/{owner.profile.id}").get_data(as_text=True)
    assert "Complétez votre profil" not in page
