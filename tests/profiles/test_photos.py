"""Profile photos: upload (API and page), checks, re-encoding, serving to who may see, removal."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from marketplace.actors import SYSTEM
from marketplace.extensions import db
from marketplace.profiles.models import Profile
from marketplace.profiles.photos import SIZES, photo_key, set_photo
from tests.conftest import PASSWORD

GPS_TAG, ORIENTATION_TAG, ARTIST_TAG = 0x8825, 0x0112, 0x013B


def picture(
    fmt: str = "JPEG",
    size: tuple[int, int] = (400, 300),
    mode: str = "RGB",
    color=(200, 80, 20),
    exif: dict[int, object] | None = None,
) -> bytes:
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    options: dict[str, object] = {}
    if exif:
        tags = Image.Exif()
        for tag, value in exif.items():
            tags[tag] = value
        options["exif"] = tags
    image.save(out, fmt, **options)
    return out.getvalue()


def halves(orientation: int) -> bytes:
    """200×100, red on the left and blue on the right, with an EXIF orientation."""
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (100, 0, 200, 100))
    tags = Image.Exif()
    tags[ORIENTATION_TAG] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=tags, quality=95)
    return out.getvalue()


def put_photo(client, token: str, data: bytes | None, filename: str = "moi.jpg"):
    form = {} if data is None else {"photo": (io.BytesIO(data), filename)}
    return client.put(
        "/api/v1/me/profile/photo",
        data=form,
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}"},
    )


def media(app_config) -> Path:
    return Path(app_config["MEDIA_DIR"])


def stored_files(app_config) -> list[str]:
    root = media(app_config)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.jpg")) if root.exists() else []


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_an_uploaded_photo_is_re_encoded_square_without_metadata(
    client, make_user, api_token, login, app_config
):
    user = make_user(audience="network")
    token = api_token(user)
    sent = picture(exif={ARTIST_TAG: "Camille", ORIENTATION_TAG: 1, GPS_TAG: {1: "N"}})
    assert Image.open(io.BytesIO(sent)).getexif()  # what is sent carries metadata

    response = put_photo(client, token, sent)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["id"] == user.profile.id
    url = body["photo_url"]
    assert url.startswith(f"http://localhost/profils/{user.profile.id}/photo/320?v=")
    assert (
        client.get(
            f"/api/v1/profiles/{user.profile.id}", headers={"Authorization": f"Bearer {token}"}
        ).get_json()["photo_url"]
        == url
    )
    version = db.session.get(Profile, user.profile.id).photo_version
    assert stored_files(app_config) == sorted(
        photo_key(user.profile.id, version, size) for size in SIZES
    )

    login(user)
    served = client.get(path_of(url))
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "JPEG" and image.size == (320, 320)
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    small = client.get(f"/profils/{user.profile.id}/photo/96?v={version}")
    assert Image.open(io.BytesIO(small.data)).size == (96, 96)


def test_the_photo_is_turned_upright_by_its_orientation(client, make_user, api_token, login):
    user = make_user()
    # Orientation 6: the camera was turned; shown upright the red half is on top.
    response = put_photo(client, api_token(user), halves(6))
    assert response.status_code == 200
    login(user)
    image = Image.open(io.BytesIO(client.get(path_of(response.get_json()["photo_url"])).data))
    top, bottom = image.getpixel((160, 20)), image.getpixel((160, 300))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (picture("PNG", mode="RGBA", color=(0, 0, 0, 0)), "transparent.png"),
        (picture("WEBP"), "photo.webp"),
        (picture("JPEG", mode="L", color=128), "grey.jpg"),
        (picture("PNG", mode="P", color=3), "palette.png"),
    ],
)
def test_png_and_webp_are_accepted(client, make_user, api_token, login, data, filename):
    user = make_user()
    response = put_photo(client, api_token(user), data, filename)
    assert response.status_code == 200, response.get_json()
    login(user)
    image = Image.open(io.BytesIO(client.get(path_of(response.get_json()["photo_url"])).data))
    assert image.mode == "RGB"
    if filename == "transparent.png":  # transparency is flattened on white
        assert image.getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=3)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 not a picture at all", "Ce fichier n’est pas une image JPEG, PNG ou WebP."),
        (picture("GIF"), "Ce fichier n’est pas une image JPEG, PNG ou WebP."),
        (picture("JPEG")[:200], "Ce fichier n’est pas une image JPEG, PNG ou WebP."),
        (picture("PNG", size=(20, 400)), "La photo doit mesurer au moins 64 pixels de côté."),
        (
            picture("PNG", size=(8000, 6000), mode="1", color=1),
            "La photo doit compter au plus 40 millions de pixels.",
        ),
        (  # beyond Pillow's own guard against decompression bombs
            picture("PNG", size=(10000, 9500), mode="1", color=1),
            "La photo doit compter au plus 40 millions de pixels.",
        ),
        (b"", "Choisissez une photo à envoyer (JPEG, PNG ou WebP)."),
    ],
    ids=["pdf", "gif", "truncated", "too-narrow", "too-many-pixels", "bomb", "empty"],
)
def test_a_file_that_is_not_an_accepted_image_gets_a_french_422(
    client, make_user, api_token, app_config, data, message
):
    user = make_user()
    response = put_photo(client, api_token(user), data)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["fields"] == {"photo": [message]}
    assert db.session.get(Profile, user.profile.id).photo_version is None
    assert stored_files(app_config) == []


def test_a_missing_field_and_a_heavy_file_are_refused(client, make_user, api_token):
    user = make_user()
    token = api_token(user)
    missing = put_photo(client, token, None)
    assert missing.status_code == 422
    assert missing.get_json()["error"]["fields"]["photo"] == [
        "Choisissez une photo à envoyer (JPEG, PNG ou WebP)."
    ]
    # Encoded here: the test client would spool a body this large to a temporary file.
    boundary = "photo-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + picture()
        + b"\0" * (4 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    heavy = client.put(
        "/api/v1/me/profile/photo",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert heavy.status_code == 422
    assert heavy.get_json()["error"]["fields"]["photo"] == ["La photo doit peser au plus 4 Mo."]
    anonymous = client.put("/api/v1/me/profile/photo", data={}, content_type="multipart/form-data")
    assert anonymous.status_code == 401


def test_the_photo_is_served_only_to_readers_who_may_see_the_profile(
    app, client, make_cae, make_user, login
):
    cae = make_cae()
    owner = make_user(cae, audience="cae")
    set_photo(SYSTEM, owner.profile, picture())
    db.session.commit()
    version = owner.profile.photo_version
    url = f"/profils/{owner.profile.id}/photo/320?v={version}"

    assert client.get(url).status_code == 404  # anonymous
    login(make_user())  # another CAE: the profile is hidden, so is its photo
    assert client.get(url).status_code == 404
    colleague = app.test_client()
    login(make_user(cae), the_client=colleague)
    assert colleague.get(url).status_code == 200
    unknown_size = colleague.get(f"/profils/{owner.profile.id}/photo/500?v={version}")
    assert unknown_size.status_code == 404


def test_the_photo_url_is_versioned_and_cached_for_ever(client, make_user, login, api_token):
    user = make_user()
    token = api_token(user)
    first = put_photo(client, token, picture(color=(10, 120, 10))).get_json()["photo_url"]
    login(user)
    response = client.get(path_of(first))
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    etag = response.headers["ETag"]
    again = client.get(path_of(first), headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data

    second = put_photo(client, token, picture(color=(10, 10, 120))).get_json()["photo_url"]
    assert second != first
    old = client.get(path_of(first))  # the old address leads to the current photo
    assert old.status_code == 302 and old.headers["Location"].endswith(path_of(second))
    assert old.headers["Cache-Control"] == "private, no-cache"
    unversioned = client.get(urlsplit(first).path)
    assert unversioned.status_code == 302


def test_a_new_photo_replaces_the_files_of_the_old_one(client, make_user, api_token, app_config):
    user = make_user()
    token = api_token(user)
    put_photo(client, token, picture())
    put_photo(client, token, picture(color=(0, 0, 0)))
    version = db.session.get(Profile, user.profile.id).photo_version
    assert stored_files(app_config) == sorted(
        photo_key(user.profile.id, version, size) for size in SIZES
    )


def test_a_rolled_back_upload_leaves_no_file(app, make_user, app_config):
    user = make_user()
    set_photo(SYSTEM, user.profile, picture())
    assert len(stored_files(app_config)) == len(SIZES)
    db.session.rollback()
    assert stored_files(app_config) == []
    assert db.session.get(Profile, user.profile.id).photo_version is None


def test_deleting_the_photo(client, make_user, api_token, login, app_config):
    user = make_user()
    token = api_token(user)
    url = put_photo(client, token, picture()).get_json()["photo_url"]
    headers = {"Authorization": f"Bearer {token}"}

    response = client.delete("/api/v1/me/profile/photo", headers=headers)

    assert response.status_code == 204 and not response.data
    assert client.get("/api/v1/me", headers=headers).get_json()["profile"]["photo_url"] is None
    assert stored_files(app_config) == []
    login(user)
    assert client.get(path_of(url)).status_code == 404
    assert client.delete("/api/v1/me/profile/photo", headers=headers).status_code == 204


def test_someone_else_cannot_change_my_photo(app, make_user):
    from marketplace.errors import PermissionDenied

    owner, other = make_user(), make_user()
    with pytest.raises(PermissionDenied):
        set_photo(other, owner.profile, picture())


def test_initials_stand_in_when_there_is_no_photo(client, make_user, login):
    user = make_user(first_name="Inès", last_name="Durand", audience="public")
    page = client.get(f"/profils/{user.profile.id}").get_data(as_text=True)
    assert '<span class="avatar avatar-initials avatar-160" aria-hidden="true">ID</span>' in page
    listing = client.get("/profils").get_data(as_text=True)
    assert '<span class="avatar avatar-initials avatar-48" aria-hidden="true">ID</span>' in listing

    set_photo(SYSTEM, user.profile, picture())
    db.session.commit()
    version = user.profile.photo_version
    page = client.get(f"/profils/{user.profile.id}").get_data(as_text=True)
    assert f'src="/profils/{user.profile.id}/photo/320?v={version}"' in page
    listing = client.get("/profils").get_data(as_text=True)
    assert f'src="/profils/{user.profile.id}/photo/96?v={version}"' in listing


def test_the_edit_page_uploads_and_removes_the_photo(client, make_user, login, app_config):
    user = make_user()
    login(user)
    page = client.get("/profils/moi").get_data(as_text=True)
    assert 'action="/profils/moi/photo"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and 'accept="image/jpeg,image/png,image/webp"' in page
    assert 'action="/profils/moi/photo/supprimer"' not in page  # nothing to remove yet

    bad = client.post(
        "/profils/moi/photo",
        data={"photo": (io.BytesIO(b"hello"), "notes.txt")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "Ce fichier n’est pas une image JPEG, PNG ou WebP." in bad.get_data(as_text=True)
    empty = client.post("/profils/moi/photo", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422
    assert "Choisissez une photo à envoyer" in empty.get_data(as_text=True)

    sent = client.post(
        "/profils/moi/photo",
        data={"photo": (io.BytesIO(picture("PNG")), "moi.png")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/profils/moi")
    version = db.session.get(Profile, user.profile.id).photo_version
    assert version is not None
    page = client.get("/profils/moi").get_data(as_text=True)
    assert f"/profils/{user.profile.id}/photo/320?v={version}" in page
    assert 'action="/profils/moi/photo/supprimer"' in page

    removed = client.post("/profils/moi/photo/supprimer")
    assert removed.status_code == 302
    assert db.session.get(Profile, user.profile.id).photo_version is None
    assert stored_files(app_config) == []


def test_the_photo_goes_with_the_account_and_is_in_the_export(
    client, make_user, login, api_token, app_config
):
    user = make_user()
    token = api_token(user)
    put_photo(client, token, picture())
    version = db.session.get(Profile, user.profile.id).photo_version
    export = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"})
    assert export.get_json()["profiles"][0]["photo_version"] == version

    login(user)
    assert client.post("/compte/supprimer", data={"password": PASSWORD}).status_code == 302
    assert db.session.get(Profile, user.profile.id).photo_version is None
    assert stored_files(app_config) == []


def test_the_openapi_document_describes_the_upload(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    put = doc["paths"]["/me/profile/photo"]["put"]
    body = put["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["properties"]["photo"] == {"type": "string", "format": "binary"}
    assert {"200", "401", "413", "422"} <= set(put["responses"])
    assert "204" in doc["paths"]["/me/profile/photo"]["delete"]["responses"]
    profile = doc["components"]["schemas"]["Profile"]["properties"]
    assert "photo_url" in profile
