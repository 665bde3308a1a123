"""Stored files (profile photos): one small interface, a folder of the instance by default.

A deployment with several nodes can put the files in an S3-compatible store instead: write a
class with the three methods of :class:`Storage` and name its factory in ``MEDIA_STORAGE``
(``"package.module:factory"``, called with the app's config). Keys are relative paths made of
lower-case letters, digits, ``-``, ``_`` and ``.`` separated by ``/``; a stored object is never
changed (a new version of a file gets a new key), so any cache in front of the store is safe.
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from flask import current_app

_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
_EXTENSION = "essaim.storage"


class Storage(Protocol):
    """Where uploaded files live."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key`` (a whole object: readers never see half of it)."""

    def get(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is none."""

    def delete(self, key: str) -> None:
        """Remove the object; a missing one is not an error."""


def check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files in a folder (``MEDIA_DIR``, ``instance/media`` by default)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside, then renamed: a reader sees the whole file or none.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def _factory(config: Mapping[str, Any]) -> Storage:
    name = config.get("MEDIA_STORAGE")
    if not name:
        return LocalStorage(config["MEDIA_DIR"])
    module, _, attribute = str(name).partition(":")
    factory = getattr(importlib.import_module(module), attribute)
    storage: Storage = factory(config)
    return storage


def storage() -> Storage:
    """The app's file storage (made once per app)."""
    app = current_app
    found = app.extensions.get(_EXTENSION)
    if found is None:
        found = app.extensions[_EXTENSION] = _factory(app.config)
    return found
