"""Reading BOAMP's open data: one record of its records endpoint → a :class:`Notice`.

BOAMP (the French bulletin of public tenders) publishes its notices on Opendatasoft, dataset
``boamp`` (explore API v2.1): ``GET …/records`` answers ``{"total_count", "results": [...]}``.
A record has flat fields (``idweb``, ``objet``, ``nomacheteur``, ``dateparution``,
``datelimitereponse``, ``code_departement``, ``type_marche``, ``procedure_libelle``,
``descripteur_code``/``descripteur_libelle``, ``url_avis``, ``etat``, ``nature``,
``annonce_lie``…) and ``donnees``, the whole notice as a JSON string, where the lots are: in
the older BOAMP format (``OBJET.LOTS.LOT`` with ``NUM``, ``INTITULE``, ``CPV.PRINCIPAL``) or in
eForms (``EFORMS.ContractNotice["cac:ProcurementProjectLot"]``, UBL turned into JSON).

The format varies and this module takes it as it comes: a multi-valued field is a list in one
record and a string (or a JSON list in a string) in another; an XML node is an object, a list
of objects, or absent; a text node is a string or ``{"#text": …}``; dates come with or without
an offset (without: Paris time; a date alone: noon, Paris time). A record that cannot make a
notice (no idweb, no object, an unreadable date or ``donnees``) raises :class:`BadRecord`.
Nothing here touches the database: tenders/boamp_import.py writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from marketplace.geo import normalize_department
from marketplace.text import clean, fold
from marketplace.timeutil import PARIS

#: The limits of the tender's columns (models.Tender, TenderLot).
TITLE_LIMIT = 200
BUYER_LIMIT = 200
REFERENCE_LIMIT = 120
PROCEDURE_LIMIT = 120
URL_LIMIT = 500
DESCRIPTION_LIMIT = 10_000
#: The notice was cancelled by its buyer (``etat``).
CANCELLED_STATE = "AVIS_ANNULE"
#: ``nature`` of the notices that change another one, named in ``annonce_lie``.
CORRECTIVE = "RECTIFICATIF"
CANCELLATION = "ANNULATION"
#: ``nature`` of results (awards): nothing to answer any more.
RESULTS = frozenset({"ATTRIBUTION", "RESULTAT", "RESULTAT_MARCHE"})


class BadRecord(ValueError):
    """A record that cannot make a notice; ``idweb`` names it in the report."""

    def __init__(self, idweb: str, message: str):
        super().__init__(message)
        self.idweb = idweb
        self.message = message


@dataclass
class NoticeLot:
    number: int
    title: str
    cpv: list[str] = field(default_factory=list)


@dataclass
class Notice:
    idweb: str
    title: str
    description: str
    buyer: str
    reference: str
    procedure: str
    url: str | None
    published_on: date | None
    deadline: datetime | None
    department: str | None
    nature: str
    cancelled: bool
    #: The idwebs of the notices this one corrects or cancels (``annonce_lie``).
    linked: list[str]
    #: (code, label) of BOAMP's descriptors.
    descriptors: list[tuple[str, str]]
    cpv: list[str]
    lots: list[NoticeLot]

    #: ``nature_libelle``, folded ("avis rectificatif", "resultat de marche"…).
    nature_label: str = ""

    @property
    def is_result(self) -> bool:
        label = self.nature_label
        return self.nature in RESULTS or "resultat" in label or "attribution" in label

    @property
    def is_cancellation(self) -> bool:
        return bool(self.linked) and (
            CANCELLATION in self.nature or "annulation" in self.nature_label
        )

    @property
    def is_corrective(self) -> bool:
        return bool(self.linked) and (
            CORRECTIVE in self.nature or "rectificatif" in self.nature_label
        )


# ---------------------------------------------------------------------------------------------
# The shapes of the values


def values_of(raw: Any) -> list[str]:
    """A multi-valued field as a list of non-empty strings: a list, a JSON list in a string,
    a plain string, a number, or nothing."""
    if raw is None:
        return []
    if isinstance(raw, list):
        return [s for s in (text_of(item) for item in raw) if s]
    if isinstance(raw, str):
        stripped = raw.strip()
        if stripped.startswith("["):
            try:
                decoded = json.loads(stripped)
            except ValueError:
                decoded = None
            if isinstance(decoded, list):
                return values_of(decoded)
        return [stripped] if stripped else []
    single = text_of(raw)
    return [single] if single else []


def text_of(raw: Any) -> str:
    """A text node: a string, a number, ``{"#text": …}``, or the first of a list."""
    if raw is None or isinstance(raw, bool):
        return ""
    if isinstance(raw, str):
        return clean(raw)
    if isinstance(raw, int | float):
        return str(raw)
    if isinstance(raw, dict):
        return text_of(raw.get("#text"))
    if isinstance(raw, list):
        for item in raw:
            if found := text_of(item):
                return found
    return ""


def nodes(raw: Any) -> list[dict[str, Any]]:
    """An XML node turned into JSON: one object, a list of them, or absent."""
    if isinstance(raw, dict):
        return [raw]
    if isinstance(raw, list):
        return [item for item in raw if isinstance(item, dict)]
    return []


def first(raw: Any) -> dict[str, Any]:
    found = nodes(raw)
    return found[0] if found else {}


def path(raw: Any, *keys: str) -> Any:
    """Down an object by keys, taking the first object wherever a list stands."""
    node = raw
    for key in keys:
        node = first(node).get(key)
        if node is None:
            return None
    return node


def shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def cpv_code(raw: Any) -> str:
    """The digits of a CPV code without its check digit ("45330000-9" → "45330000")."""
    return re.sub(r"\D", "", text_of(raw).split("-")[0])


# ---------------------------------------------------------------------------------------------
# Dates


def parse_moment(raw: Any, idweb: str, name: str) -> datetime | None:
    """A deadline: ISO 8601 with or without an offset (without: Paris), or a date (noon)."""
    value = text_of(raw)
    if not value:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(12, 0), tzinfo=PARIS)
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise BadRecord(idweb, f"{name} n'est pas une date lisible ({value[:40]})") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=PARIS)


def parse_day(raw: Any, idweb: str, name: str) -> date | None:
    value = text_of(raw)
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise BadRecord(idweb, f"{name} n'est pas une date lisible ({value[:40]})") from None


def _eforms_moment(period: Any) -> datetime | None:
    """cbc:EndDate ("2026-03-02+01:00") and cbc:EndTime ("12:00:00+01:00") of eForms."""
    day_text, time_text = text_of(path(period, "cbc:EndDate")), text_of(path(period, "cbc:EndTime"))
    if not day_text:
        return None
    try:
        day = date.fromisoformat(day_text[:10])
        moment = time.fromisoformat(time_text) if time_text else time(12, 0)
    except ValueError:
        return None
    combined = datetime.combine(day, moment.replace(tzinfo=None))
    return combined.replace(tzinfo=moment.tzinfo or PARIS)


# ---------------------------------------------------------------------------------------------
# donnees: the whole notice


@dataclass
class _Details:
    lots: list[NoticeLot] = field(default_factory=list)
    cpv: list[str] = field(default_factory=list)
    deadline: datetime | None = None
    reference: str = ""
    description: str = ""


def _decode(raw: Any, idweb: str) -> dict[str, Any]:
    if raw in (None, ""):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise BadRecord(idweb, "donnees n'est pas un JSON lisible") from None
    if not isinstance(raw, dict):
        raise BadRecord(idweb, "donnees n'est pas un objet JSON")
    return raw


def _lot_number(raw: Any, position: int) -> int:
    digits = re.sub(r"\D", "", text_of(raw))
    number = int(digits) if digits and len(digits.lstrip("0")) <= 3 else 0
    return number if number >= 1 else position


def _distinct_numbers(lots: list[NoticeLot]) -> list[NoticeLot]:
    """Lots numbered 1… when the notice's numbers are missing or repeated."""
    if len({lot.number for lot in lots}) != len(lots):
        for position, lot in enumerate(lots, start=1):
            lot.number = position
    return sorted(lots, key=lambda lot: lot.number)


def _principal_codes(raw: Any) -> list[str]:
    return [c for c in (cpv_code(node.get("PRINCIPAL")) for node in nodes(raw)) if c]


def _older_format(data: dict[str, Any]) -> _Details:
    """The BOAMP format before eForms: OBJET (CPV, LOTS.LOT[]), CONDITION_DELAI."""
    subject = first(data.get("OBJET"))
    details = _Details()
    details.cpv = _principal_codes(subject.get("CPV"))
    lots = nodes(path(subject, "LOTS", "LOT"))
    for position, lot in enumerate(lots, start=1):
        title = text_of(lot.get("INTITULE")) or text_of(lot.get("DESCRIPTION"))
        codes = _principal_codes(lot.get("CPV"))
        details.lots.append(
            NoticeLot(_lot_number(lot.get("NUM"), position), shorten(title, TITLE_LIMIT), codes)
        )
    details.deadline = _loose_moment(path(data, "CONDITION_DELAI", "RECEPT_OFFRES"))
    details.reference = text_of(subject.get("REF_MARCHE"))
    details.description = text_of(subject.get("OBJET_COMPLET"))
    return details


def _loose_moment(raw: Any) -> datetime | None:
    try:
        return parse_moment(raw, "", "")
    except BadRecord:
        return None


def _classifications(project: dict[str, Any]) -> list[str]:
    codes = []
    for key in ("cac:MainCommodityClassification", "cac:AdditionalCommodityClassification"):
        for node in nodes(project.get(key)):
            if code := cpv_code(node.get("cbc:ItemClassificationCode")):
                codes.append(code)
    return codes


def _eforms(data: dict[str, Any]) -> _Details:
    """eForms (UBL as JSON): the procedure's project and its cac:ProcurementProjectLot[]."""
    root: dict[str, Any] = {}
    for kind in ("ContractNotice", "PriorInformationNotice", "ContractAwardNotice"):
        if root := first(data.get(kind)):
            break
    project = first(root.get("cac:ProcurementProject"))
    details = _Details(cpv=_classifications(project))
    details.reference = text_of(project.get("cbc:ID"))
    details.description = text_of(project.get("cbc:Description"))
    lots = nodes(root.get("cac:ProcurementProjectLot"))
    for position, lot in enumerate(lots, start=1):
        lot_project = first(lot.get("cac:ProcurementProject"))
        title = text_of(lot_project.get("cbc:Name")) or text_of(lot_project.get("cbc:Description"))
        details.lots.append(
            NoticeLot(
                _lot_number(lot.get("cbc:ID"), position),
                shorten(title, TITLE_LIMIT),
                _classifications(lot_project),
            )
        )
        period = path(lot, "cac:TenderingProcess", "cac:TenderSubmissionDeadlinePeriod")
        if details.deadline is None and period is not None:
            details.deadline = _eforms_moment(period)
    if len(details.lots) == 1 and not details.lots[0].title:
        details.lots = []  # one unnamed lot: the notice itself
    return details


def _details(data: dict[str, Any]) -> _Details:
    if "EFORMS" in data:
        return _eforms(first(data["EFORMS"]))
    return _older_format(first(data.get("DONNEES")) or data)


# ---------------------------------------------------------------------------------------------
# A record


def _department(record: dict[str, Any]) -> str | None:
    for key in ("code_departement", "code_departement_prestation"):
        for raw in values_of(record.get(key)):
            if code := normalize_department(raw):
                return code
    return None


def _descriptors(record: dict[str, Any]) -> list[tuple[str, str]]:
    codes = values_of(record.get("descripteur_code"))
    labels = values_of(record.get("descripteur_libelle"))
    size = max(len(codes), len(labels))
    return [
        (codes[i] if i < len(codes) else "", labels[i] if i < len(labels) else "")
        for i in range(size)
    ]


def _url(record: dict[str, Any], idweb: str) -> str | None:
    url = text_of(record.get("url_avis"))
    if url.lower().startswith(("http://", "https://")) and len(url) <= URL_LIMIT:
        return url
    return f"https://www.boamp.fr/pages/avis/?q=idweb:{idweb}" if idweb else None


def parse_record(record: Any, position: int) -> Notice:
    """The notice a record describes; BadRecord when it cannot make one."""
    if not isinstance(record, dict):
        raise BadRecord(f"#{position}", "l'enregistrement n'est pas un objet JSON")
    idweb = text_of(record.get("idweb"))
    if not idweb or len(idweb) > 40:
        raise BadRecord(idweb[:40] or f"#{position}", "idweb manquant ou trop long")
    title = text_of(record.get("objet"))
    if not title:
        raise BadRecord(idweb, "objet manquant")
    details = _details(_decode(record.get("donnees"), idweb))
    deadline = parse_moment(record.get("datelimitereponse"), idweb, "datelimitereponse")
    kinds = ", ".join(values_of(record.get("type_marche"))).lower()
    description = details.description if len(details.description) > len(title) else title
    if kinds:
        description += f"\n\nType de marché : {kinds}."
    return Notice(
        idweb=idweb,
        title=shorten(title, TITLE_LIMIT),
        description=shorten(description, DESCRIPTION_LIMIT),
        buyer=shorten(text_of(record.get("nomacheteur")) or "Acheteur public", BUYER_LIMIT),
        reference=shorten(details.reference or f"BOAMP {idweb}", REFERENCE_LIMIT),
        procedure=shorten(text_of(record.get("procedure_libelle")), PROCEDURE_LIMIT),
        url=_url(record, idweb),
        published_on=parse_day(record.get("dateparution"), idweb, "dateparution"),
        deadline=deadline or details.deadline,
        department=_department(record),
        nature=text_of(record.get("nature")).upper(),
        nature_label=fold(text_of(record.get("nature_libelle"))),
        cancelled=text_of(record.get("etat")).upper() == CANCELLED_STATE,
        linked=[v for v in values_of(record.get("annonce_lie")) if v != idweb],
        descriptors=_descriptors(record),
        cpv=details.cpv,
        lots=_distinct_numbers(details.lots),
    )


def records_of(payload: Any) -> list[Any]:
    """The records of a response of the records endpoint, or of a bare list of records."""
    if isinstance(payload, dict) and isinstance(payload.get("results"), list):
        return payload["results"]
    if isinstance(payload, list):
        return payload
    raise ValueError(
        'attendu une réponse de l\'API ({"total_count", "results": [...]}) '
        "ou une liste d'enregistrements"
    )


# ---------------------------------------------------------------------------------------------
# Descriptors and CPV codes → competences


@dataclass(frozen=True)
class SkillMap:
    """The federation's table (marketplace/tenders/data/boamp_skills.json)."""

    descriptors: dict[str, tuple[str, ...]]
    cpv: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls, source: str | None = None) -> SkillMap:
        return _load_map(source)

    def for_descriptors(self, descriptors: Iterable[tuple[str, str]]) -> list[str]:
        names: list[str] = []
        for code, label in descriptors:
            names += self.descriptors.get(code, ()) or self.descriptors.get(skill_key(label), ())
        return _distinct(names)

    def for_cpv(self, codes: Iterable[str]) -> list[str]:
        """By each code's longest listed prefix."""
        names: list[str] = []
        for code in codes:
            for size in range(len(code), 1, -1):
                if found := self.cpv.get(code[:size]):
                    names += found
                    break
        return _distinct(names)


#: fold() of the few competence names of the table, read thousands of times by an import.
skill_key = lru_cache(maxsize=4096)(fold)


def _distinct(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        if (key := skill_key(name)) not in seen:
            seen.add(key)
            out.append(name)
    return out


@lru_cache(maxsize=4)
def _load_map(source: str | None) -> SkillMap:
    if source:
        content = Path(source).read_text(encoding="utf-8")
    else:
        content = files(__package__).joinpath("data", "boamp_skills.json").read_text("utf-8")
    table = json.loads(content)
    descriptors = {}
    for key, names in table.get("descriptors", {}).items():
        descriptors[key if key.isdigit() else fold(key)] = tuple(names)
    cpv = {re.sub(r"\D", "", key): tuple(names) for key, names in table.get("cpv", {}).items()}
    return SkillMap(descriptors, cpv)
