"""The demo data set: a few recommendations and references verified by Essaim (through the same
operations as the pages), loaded once; the member to try has a certification that expired."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.demo import MEMBER_EMAIL, load_demo
from marketplace.extensions import db
from marketplace.profiles.models import Profile, ProfileCertification
from marketplace.trust.models import Recommendation, ReferenceConsent


def test_the_demo_has_recommendations_and_verified_references(app, client, outbox):
    load_demo(count=40)
    db.session.commit()
    recommendations = db.session.scalar(select(func.count(Recommendation.id)))
    consents = db.session.scalar(select(func.count(ReferenceConsent.id)))
    assert recommendations >= 3 and consents >= 4

    shown = None
    for profile in db.session.scalars(select(Profile)):
        body = client.get(f"/api/v1/profiles/{profile.id}").get_json()
        if body and body.get("recommendations") and body.get("verified_references"):
            shown = body
            break
    # A public demo profile shows its track record to anyone, on its page too.
    assert shown is not None
    assert {v["type"] for v in shown["verified_references"]} == {"subcontract"}
    page = client.get(f"/profils/{shown['id']}").get_data(as_text=True)
    assert "vérifié par Essaim" in page and shown["recommendations"][0]["body"][:20] in page

    load_demo(count=40)  # loaded once
    db.session.commit()
    assert db.session.scalar(select(func.count(Recommendation.id))) == recommendations

    member = db.session.scalar(
        select(Profile).join(Profile.user).where(Profile.user.has(email=MEMBER_EMAIL))
    )
    certifications = {pc.name: pc.expired for pc in db.session.scalars(
        select(ProfileCertification).where(ProfileCertification.profile_id == member.id)
    )}  # fmt: skip
    assert certifications == {"RGE": False, "Certification DPE": True}
    assert outbox() == []
