"""Profile photos: an upload is checked, decoded and re-encoded, then stored by version.

What is kept is never the file that was sent: Pillow decodes it (JPEG, PNG or WebP only, within
a size and a pixel limit), turns it upright by its EXIF orientation, flattens transparency on
white, crops it square around the upper middle and writes one JPEG per size the pages use,
without any metadata (EXIF, GPS, comments, colour profiles). Each upload gets a new random
version: it names the stored files and the URL, so a URL always shows the same image and may be
cached for ever; the files of the previous version are removed once the new one is committed
(the new ones if the request rolls back). The files go through ``marketplace.storage``.
"""

from __future__ import annotations

import contextlib
import secrets
import warnings
from io import BytesIO

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.accounts.models import User
from marketplace.actors import SYSTEM, Viewer
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.events import account_personal_data_deleting, on_commit, on_rollback
from marketplace.extensions import db
from marketplace.profiles.models import Profile
from marketplace.statemachine import compare_and_set
from marketplace.storage import Storage, storage
from marketplace.timeutil import utcnow

#: The formats accepted (as Pillow names them).
FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPT = "image/jpeg,image/png,image/webp"
#: The largest file accepted (the request itself is limited to 5 MB).
MAX_BYTES = 4 * 1024 * 1024
#: The most pixels decoded (a small file can describe a huge image).
MAX_PIXELS = 40_000_000
#: The smallest side accepted, in pixels.
MIN_SIDE = 64
#: The square sizes stored, in pixels: cards and lists show 48 px, the profile page 160 px
#: (twice as many pixels for sharp screens).
SIZES = (96, 320)
SMALL, LARGE = SIZES
QUALITY = 85
CONTENT_TYPE = "image/jpeg"


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, {"photo": [message]})


def _not_an_image() -> ValidationError:
    return _refuse(_("This file is not a JPEG, PNG or WebP image."))


def _decode(data: bytes) -> Image.Image:
    """The image of an upload, fully decoded, or a ValidationError in French."""
    if not data:
        raise _refuse(_("Choose a photo to send (JPEG, PNG or WebP)."))
    if len(data) > MAX_BYTES:
        raise _refuse(_("The photo must weigh at most 4 MB."))
    too_big = _refuse(_("The photo must have at most 40 million pixels."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data), formats=FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise too_big
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise too_big from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise _not_an_image() from None
    if min(image.size) < MIN_SIDE:
        raise _refuse(_("The photo must be at least 64 pixels wide and high."))
    return image


def _upright_rgb(image: Image.Image) -> Image.Image:
    # A broken orientation tag: the image is kept as it is stored.
    with contextlib.suppress(OSError, ValueError, SyntaxError, KeyError):
        image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def render(data: bytes) -> dict[int, bytes]:
    """The JPEG of each size of an uploaded image (square, without metadata)."""
    image = _upright_rgb(_decode(data))
    out: dict[int, bytes] = {}
    for size in SIZES:
        square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS, centering=(0.5, 0.4))
        buffer = BytesIO()
        square.save(buffer, "JPEG", quality=QUALITY, optimize=True, progressive=True)
        out[size] = buffer.getvalue()
    return out


def photo_key(profile_id: int, version: str, size: int) -> str:
    return f"profiles/{profile_id}/{version}-{size}.jpg"


def _keys(profile_id: int, version: str) -> list[str]:
    return [photo_key(profile_id, version, size) for size in SIZES]


def _remove(store: Storage, keys: list[str]) -> None:
    for key in keys:
        store.delete(key)


def _check_may_edit(actor: Viewer, profile: Profile) -> None:
    """The rule of update_profile: the owner, their CAE's managers and admins."""
    if actor is not SYSTEM and not (actor.id == profile.user_id or actor.manages(profile.cae_id)):
        raise PermissionDenied(_("You cannot edit this profile."))


def _replace(profile: Profile, version: str | None) -> None:
    """Point the profile at ``version`` (compare-and-set from the version read), then remove the
    previous version's files once committed."""
    previous = profile.photo_version
    changed = compare_and_set(
        profile, {"photo_version": previous}, {"photo_version": version, "updated_at": utcnow()}
    )
    if not changed:
        raise Conflict(_("The photo was changed at the same time; please try again."))
    if previous is not None:
        store, keys = storage(), _keys(profile.id, previous)
        on_commit(db.session(), lambda: _remove(store, keys))


def set_photo(actor: Viewer, profile: Profile, data: bytes) -> Profile:
    """Check, re-encode and store a new photo of the profile; the previous one goes on commit."""
    _check_may_edit(actor, profile)
    images = render(data)
    version = secrets.token_urlsafe(9)
    store = storage()
    keys = _keys(profile.id, version)
    on_rollback(db.session(), lambda: _remove(store, keys))
    for size, blob in images.items():
        store.put(photo_key(profile.id, version, size), blob, CONTENT_TYPE)
    _replace(profile, version)
    db.session.flush()
    return profile


def remove_photo(actor: Viewer, profile: Profile) -> Profile:
    """Remove the profile's photo (its files go on commit); nothing to do without one."""
    _check_may_edit(actor, profile)
    if profile.photo_version is not None:
        _replace(profile, None)
        db.session.flush()
    return profile


def read_photo(profile: Profile, size: int) -> bytes | None:
    """The stored JPEG of the profile's current photo at this size (None: none)."""
    if profile.photo_version is None or size not in SIZES:
        return None
    return storage().get(photo_key(profile.id, profile.photo_version, size))


@account_personal_data_deleting.connect
def _forget_photo(user: User, **_extra: object) -> None:
    """A deleted account's photo goes with it (its files once the deletion is committed)."""
    profile = user.profile
    if profile is not None and profile.photo_version is not None:
        remove_photo(SYSTEM, profile)
