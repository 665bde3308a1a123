"""The caller's shapes in the API: their account (Me) and every piece of data about them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, WithJsonSchema

from marketplace.accounts.models import MembershipState, Role
from marketplace.caes.schemas import CaeRef
from marketplace.profiles.schemas import Profile
from marketplace.schema import IdOut, Output, choice


class Me(Output):
    id: IdOut
    email: str = Field(json_schema_extra={"format": "email"})
    first_name: str
    last_name: str
    display_name: str
    role: choice(Role)  # type: ignore[valid-type]
    cae: CaeRef | None
    membership: choice(MembershipState)  # type: ignore[valid-type]
    locale: str | None
    profile: Profile | None


#: Every other key of the export: one list of rows per table.
_TABLES: dict[str, Any] = {"type": "array", "items": {"type": "object"}}


class PersonalData(Output):
    """exported_at, account, then one list of rows per table naming the caller or their profile
    (secrets such as password hashes are never included)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": _TABLES})

    exported_at: Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
    account: dict[str, Any]
