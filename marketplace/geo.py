"""French departments (metropolitan, Corsica and overseas) and their regions."""

from __future__ import annotations

from typing import NamedTuple


class Department(NamedTuple):
    code: str
    name: str
    region: str


_REGIONS: dict[str, list[tuple[str, str]]] = {
    "Auvergne-Rhône-Alpes": [
        ("01", "Ain"), ("03", "Allier"), ("07", "Ardèche"), ("15", "Cantal"), ("26", "Drôme"),
        ("38", "Isère"), ("42", "Loire"), ("43", "Haute-Loire"), ("63", "Puy-de-Dôme"),
        ("69", "Rhône"), ("73", "Savoie"), ("74", "Haute-Savoie"),
    ],
    "Bourgogne-Franche-Comté": [
        ("21", "Côte-d'Or"), ("25", "Doubs"), ("39", "Jura"), ("58", "Nièvre"),
        ("70", "Haute-Saône"), ("71", "Saône-et-Loire"), ("89", "Yonne"),
        ("90", "Territoire de Belfort"),
    ],
    "Bretagne": [
        ("22", "Côtes-d'Armor"), ("29", "Finistère"), ("35", "Ille-et-Vilaine"), ("56", "Morbihan"),
    ],
    "Centre-Val de Loire": [
        ("18", "Cher"), ("28", "Eure-et-Loir"), ("36", "Indre"), ("37", "Indre-et-Loire"),
        ("41", "Loir-et-Cher"), ("45", "Loiret"),
    ],
    "Corse": [("2A", "Corse-du-Sud"), ("2B", "Haute-Corse")],
    "Grand Est": [
        ("08", "Ardennes"), ("10", "Aube"), ("51", "Marne"), ("52", "Haute-Marne"),
        ("54", "Meurthe-et-Moselle"), ("55", "Meuse"), ("57", "Moselle"), ("67", "Bas-Rhin"),
        ("68", "Haut-Rhin"), ("88", "Vosges"),
    ],
    "Hauts-de-France": [
        ("02", "Aisne"), ("59", "Nord"), ("60", "Oise"), ("62", "Pas-de-Calais"), ("80", "Somme"),
    ],
    "Île-de-France": [
        ("75", "Paris"), ("77", "Seine-et-Marne"), ("78", "Yvelines"), ("91", "Essonne"),
        ("92", "Hauts-de-Seine"), ("93", "Seine-Saint-Denis"), ("94", "Val-de-Marne"),
        ("95", "Val-d'Oise"),
    ],
    "Normandie": [
        ("14", "Calvados"), ("27", "Eure"), ("50", "Manche"), ("61", "Orne"),
        ("76", "Seine-Maritime"),
    ],
    "Nouvelle-Aquitaine": [
        ("16", "Charente"), ("17", "Charente-Maritime"), ("19", "Corrèze"), ("23", "Creuse"),
        ("24", "Dordogne"), ("33", "Gironde"), ("40", "Landes"), ("47", "Lot-et-Garonne"),
        ("64", "Pyrénées-Atlantiques"), ("79", "Deux-Sèvres"), ("86", "Vienne"),
        ("87", "Haute-Vienne"),
    ],
    "Occitanie": [
        ("09", "Ariège"), ("11", "Aude"), ("12", "Aveyron"), ("30", "Gard"),
        ("31", "Haute-Garonne"), ("32", "Gers"), ("34", "Hérault"), ("46", "Lot"),
        ("48", "Lozère"), ("65", "Hautes-Pyrénées"), ("66", "Pyrénées-Orientales"), ("81", "Tarn"),
        ("82", "Tarn-et-Garonne"),
    ],
    "Pays de la Loire": [
        ("44", "Loire-Atlantique"), ("49", "Maine-et-Loire"), ("53", "Mayenne"), ("72", "Sarthe"),
        ("85", "Vendée"),
    ],
    "Provence-Alpes-Côte d'Azur": [
        ("04", "Alpes-de-Haute-Provence"), ("05", "Hautes-Alpes"), ("06", "Alpes-Maritimes"),
        ("13", "Bouches-du-Rhône"), ("83", "Var"), ("84", "Vaucluse"),
    ],
    "Guadeloupe": [("971", "Guadeloupe")],
    "Martinique": [("972", "Martinique")],
    "Guyane": [("973", "Guyane")],
    "La Réunion": [("974", "La Réunion")],
    "Mayotte": [("976", "Mayotte")],
    "Collectivités d'outre-mer": [
        ("975", "Saint-Pierre-et-Miquelon"), ("977", "Saint-Barthélemy"), ("978", "Saint-Martin"),
        ("986", "Wallis-et-Futuna"), ("987", "Polynésie française"), ("988", "Nouvelle-Calédonie"),
    ],
}  # fmt: skip

DEPARTMENTS: dict[str, Department] = {
    code: Department(code, name, region)
    for region, departments in _REGIONS.items()
    for code, name in departments
}
REGIONS: tuple[str, ...] = tuple(sorted(_REGIONS))


def _sort_key(code: str) -> tuple[int, str]:
    digits = code.replace("2A", "20.1").replace("2B", "20.2")
    return (0, f"{float(digits):08.1f}")


DEPARTMENT_CODES: tuple[str, ...] = tuple(sorted(DEPARTMENTS, key=_sort_key))


def normalize_department(raw: str | None) -> str | None:
    """The canonical code for user input ('1' → '01', '2a' → '2A'), or None if unknown."""
    if raw is None:
        return None
    code = str(raw).strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    return code if code in DEPARTMENTS else None


def region_of(code: str | None) -> str | None:
    department = DEPARTMENTS.get(code or "")
    return department.region if department else None


def departments_in(region: str) -> list[str]:
    return [code for code, _ in _REGIONS.get(region, [])]


def department_label(code: str | None) -> str:
    department = DEPARTMENTS.get(code or "")
    return f"{department.name} ({department.code})" if department else ""


def department_choices() -> list[tuple[str, str]]:
    return [(code, department_label(code)) for code in DEPARTMENT_CODES]
