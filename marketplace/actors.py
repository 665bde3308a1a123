"""Who acts or looks: the Viewer protocol, and SYSTEM, the site's operator.

The visibility rule and the operations read only these facts of a person: a signed-in User,
the Anonymous visitor and SYSTEM all have them. Ground floor: imports nothing of the project.

SYSTEM is the command line, the demo loader and the jobs acting as the site's operator: the
operations skip their permission checks for it, explicitly (``actor is SYSTEM``). For every
other reader it is nobody: not signed in, no CAE, no role, so the visibility rule shows it
public content only and an ownership test never matches it.
"""

from __future__ import annotations

from typing import Final, Protocol, final


class Viewer(Protocol):
    """What the visibility rule and the operations read of whoever acts or looks."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def id(self) -> int | None: ...

    @property
    def cae_id(self) -> int | None: ...

    @property
    def role(self) -> str | None: ...

    @property
    def membership(self) -> str | None: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_admin(self) -> bool: ...

    @property
    def is_manager(self) -> bool: ...

    @property
    def is_verified(self) -> bool: ...

    @property
    def display_name(self) -> str: ...

    def manages(self, cae_id: int | None) -> bool: ...


@final
class SystemActor:
    """The site's operator (command line, demo loader, jobs); one instance: SYSTEM."""

    is_authenticated: Final = False
    id: Final = None
    cae_id: Final = None
    role: Final = None
    membership: Final = None
    is_active: Final = False
    is_admin: Final = False
    is_manager: Final = False
    is_verified: Final = False
    display_name: Final = "Essaim"

    def manages(self, cae_id: int | None) -> bool:
        return False

    def __repr__(self) -> str:
        return "SYSTEM"


#: The one system actor: operations grant it everything, checked with ``actor is SYSTEM``.
SYSTEM: Final = SystemActor()
