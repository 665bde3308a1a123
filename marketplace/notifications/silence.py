"""A switch that keeps one domain's messages unsaid inside a block (the demo data loaders)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class Silence:
    """``with silence.block(): ...`` says nothing; ``silence.on`` tells whether it holds."""

    def __init__(self, name: str) -> None:
        self._on: ContextVar[bool] = ContextVar(name, default=False)

    @property
    def on(self) -> bool:
        return self._on.get()

    @contextmanager
    def block(self) -> Iterator[None]:
        token = self._on.set(True)
        try:
            yield
        finally:
            self._on.reset(token)
