"""Cooperatives (CAEs) that host the entrepreneurs."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.dbtypes import City, Department, IdPk, Prose, Stamp
from marketplace.extensions import Base
from marketplace.geo import region_of


class Cae(Base):
    __tablename__ = "caes"

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(160), unique=True)
    city: Mapped[City]
    #: French department code ('69', '2A', '974').
    department: Mapped[Department]
    website: Mapped[str | None] = mapped_column(String(255))
    #: Sectors the CAE hosts, separated by ';' (e.g. 'Bâtiment;Formation').
    sectors: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[Prose]
    #: The CAE's SIREN (9 digits, Luhn-checked), printed on its invoices and in the ledgers.
    siren: Mapped[str | None] = mapped_column(String(9), unique=True)
    created_at: Mapped[Stamp]

    @property
    def region(self) -> str | None:
        return region_of(self.department)

    @property
    def sector_list(self) -> list[str]:
        return [s.strip() for s in (self.sectors or "").split(";") if s.strip()]

    def __repr__(self) -> str:
        return f"<Cae {self.id} {self.name!r}>"
