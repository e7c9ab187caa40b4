"""`python -m etl reference units`: the reference data of the 2025 reform, derived from pinned packages.

Reads the data files of `vietnamadminunits` (dataset.db, converter_2025.json; the package's code is
never imported) and cross-checks against `vietnam-provinces`. Together with the hand-entered files in
data/reference/manual/ (changes the packages do not carry: Huyện Đông Sơn's merger, the provincial
departments' merger) it writes:

    data/reference/admin_units.csv        one row per unit and validity interval (provinces nationally;
                                          the configured province's districts, communes and agencies)
    data/reference/unit_succession.csv    one row per (from unit, to unit, effective date)
    data/reference/legacy_communes.csv    the configured province's communes before the reform (never
                                          reporting units: kept apart from admin_units.csv)
    data/reference/national/units_2025.csv                 34 provinces and 3,321 communes after the reform
    data/reference/national/crosscheck_vietnam_provinces.csv where the two packages disagree

The running app reads these CSVs, never the packages. Rules (weights, former district, ties) are in
the README, section "Dữ liệu tham chiếu của cuộc sắp xếp 2025".
"""
from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import importlib.util
import io
import json
import re
import sqlite3
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from etl.config import REFERENCE_DIR, ROOT

PINS = {"vietnamadminunits": "1.0.4", "vietnam-provinces": "2025.10.1"}

# National facts of the 2025 reform (not specific to a province).
PROVINCE_MERGER = dt.date(2025, 6, 12)
PROVINCE_MERGER_SOURCE = "NQ 202/2025/QH15 ngày 12/6/2025 (hiệu lực từ ngày thông qua)"
TWO_TIER = dt.date(2025, 7, 1)
TWO_TIER_SOURCE = "Luật 72/2025/QH15, NQ 203/2025/QH15: chính quyền hai cấp, không còn cấp huyện từ 01/7/2025"

UNIT_COLUMNS = ["unit_code", "unit_name", "unit_level", "unit_type", "parent_code", "valid_from", "valid_to",
                "former_district_code", "lat", "lon", "area_km2", "source"]
SUCCESSION_COLUMNS = ["from_unit_code", "from_unit_level", "to_unit_code", "to_unit_level", "effective_date",
                      "kind", "weight", "is_default", "sectors", "source"]
LEGACY_COLUMNS = ["unit_code", "unit_name", "unit_type", "district_code", "province_code", "valid_to", "lat", "lon",
                  "source"]
CROSSCHECK_COLUMNS = ["unit_level", "parent_code", "unit_code", "unit_name", "vietnam_provinces_code",
                      "vietnam_provinces_name", "difference"]
LEVELS = ("province", "district", "commune", "agency")
KINDS = ("merge", "split", "rename", "continue")
WEIGHT_PLACES = 6
ONE = 10 ** WEIGHT_PLACES

OUTPUTS = ("admin_units.csv", "unit_succession.csv", "legacy_communes.csv", "national/units_2025.csv",
           "national/crosscheck_vietnam_provinces.csv")
MANUAL = {"territorial": "manual/territorial_changes.csv", "agency_units": "manual/agency_units.csv",
          "agency_succession": "manual/agency_succession.csv"}


class ReferenceError(Exception):
    """The packages or the hand-entered files do not give consistent reference data (message in Vietnamese)."""


# ---------------------------------------------------------------------------------------------------
# The packages


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ReferenceError(f"Chưa cài gói {module}. Hãy chạy: pip install -r requirements.txt")
    return Path(list(spec.submodule_search_locations)[0])


def check_pins() -> dict[str, str]:
    versions = {}
    for dist, pin in PINS.items():
        try:
            v = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            raise ReferenceError(f"Chưa cài gói {dist}=={pin}. Hãy chạy: pip install -r requirements.txt") from None
        if v != pin:
            raise ReferenceError(f"Gói {dist} đang là {v}, dữ liệu tham chiếu được dẫn xuất từ {dist}=={pin} "
                                 f"(requirements.txt). Hãy chạy: pip install {dist}=={pin}")
        versions[dist] = v
    return versions


@dataclass(frozen=True)
class NewCommune:
    code: str
    name: str
    type: str
    province_code: str
    lat: float | None
    lon: float | None
    area_km2: float | None


@dataclass(frozen=True)
class OldUnit:
    """A row of admin_units_legacy: a commune before the reform (or, for the five island districts
    without communes, the district itself)."""
    key: str
    code: str | None
    name: str | None
    type: str | None
    district_code: str
    district_name: str
    province_code: str
    lat: float | None
    lon: float | None


@dataclass
class Package:
    version: str
    provinces_new: dict[str, tuple[str, float, float]]            # code -> (name, lat, lon)
    provinces_old: dict[str, tuple[str, float, float]]
    province_successors: dict[str, list[str]]                      # new code -> old codes
    communes: dict[str, NewCommune]                                # new commune code -> commune
    old_units: dict[str, OldUnit]                                  # converter key -> legacy row
    districts: dict[str, tuple[str, str, str, float, float]]       # code -> (name, type, province, lat, lon)
    successors: dict[str, list[tuple[str, bool]]]                  # converter key -> [(new code, package default)]


def _f(x) -> float | None:
    return None if x is None else float(x)


def read_package() -> Package:
    base = _package_dir("vietnamadminunits") / "data"
    version = importlib.metadata.version("vietnamadminunits")
    con = sqlite3.connect(f"file:{base / 'dataset.db'}?mode=ro", uri=True)
    try:
        new_rows = con.execute("select provinceCode, province, provinceLat, provinceLon, provinceKey, wardCode, ward, "
                               "wardType, wardLat, wardLon, wardAreaKm2, wardKey from admin_units").fetchall()
        old_rows = con.execute("select provinceCode, province, provinceLat, provinceLon, provinceKey, districtCode, "
                               "district, districtType, districtLat, districtLon, districtKey, wardCode, ward, "
                               "wardType, wardLat, wardLon, wardKey from admin_units_legacy").fetchall()
    finally:
        con.close()
    converter = json.loads((base / "converter_2025.json").read_text(encoding="utf-8"))

    provinces_new, provinces_old, communes, by_key = {}, {}, {}, {}
    province_key_new, province_key_old = {}, {}
    for pc, pn, plat, plon, pkey, wc, wn, wt, wlat, wlon, area, wkey in new_rows:
        provinces_new[pc] = (pn, _f(plat), _f(plon))
        province_key_new[pkey] = pc
        if wc in communes:
            raise ReferenceError(f"vietnamadminunits: mã xã {wc} xuất hiện hai lần trong admin_units")
        communes[wc] = NewCommune(wc, wn, wt.lower(), pc, _f(wlat), _f(wlon), _f(area))
        by_key[(pkey, wkey)] = wc
    old_units, districts = {}, {}
    for (pc, pn, plat, plon, pkey, dc, dn, dtype, dlat, dlon, dkey, wc, wn, wt, wlat, wlon, wkey) in old_rows:
        provinces_old[pc] = (pn, _f(plat), _f(plon))
        province_key_old[pkey] = pc
        districts[dc] = (dn, dtype.lower(), pc, _f(dlat), _f(dlon))
        key = f"{pkey}_{dkey}_{wkey or ''}"
        if key in old_units:
            raise ReferenceError(f"vietnamadminunits: khóa {key} xuất hiện hai lần trong admin_units_legacy")
        old_units[key] = OldUnit(key, wc, wn, wt.lower() if wt else None, dc, dn, pc, _f(wlat), _f(wlon))

    successors: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            for old in olds:
                successors[old].append((by_key[(pkey, wkey)], True))
    for pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            if old in successors:
                raise ReferenceError(f"vietnamadminunits: {old} vừa nguyên vẹn vừa bị chia trong converter_2025.json")
            successors[old] = [(by_key[(pkey, n["newWardKey"])], bool(n["isDefaultNewWard"])) for n in news]
    missing = sorted(set(old_units) - set(successors))
    unknown = sorted(set(successors) - set(old_units))
    if missing or unknown:
        raise ReferenceError(f"vietnamadminunits: converter_2025.json không khớp admin_units_legacy "
                             f"(thiếu {missing[:3]}, thừa {unknown[:3]})")
    province_successors = {province_key_new[k]: sorted(province_key_old[o] for o in olds)
                           for k, olds in converter["DICT_PROVINCE"].items()}
    return Package(version, provinces_new, provinces_old, province_successors, communes, old_units, districts,
                   dict(successors))


# ---------------------------------------------------------------------------------------------------
# Weights, kinds, former districts


def weight_text(units: int) -> str:
    return f"{units // ONE}.{units % ONE:0{WEIGHT_PLACES}d}"


def rounded_weights(shares: dict[str, Fraction], default: str) -> dict[str, int]:
    """Exact shares (adding up to 1) as whole millionths that add up to exactly 1,000,000: each share
    rounded down, the remaining millionths to the largest remainders (ties: the default successor,
    then the lowest code)."""
    assert sum(shares.values()) == 1, shares
    floors = {k: (v * ONE).numerator // (v * ONE).denominator for k, v in shares.items()}
    left = ONE - sum(floors.values())
    order = sorted(shares, key=lambda k: (-(shares[k] * ONE - floors[k]), k != default, k))
    for k in order[:left]:
        floors[k] += 1
    return floors


def _type_of_province(name: str) -> str:
    return "thành phố" if name.startswith("Thành phố ") else "tỉnh"


def commune_shares(pkg: Package) -> dict[str, dict[str, Fraction]]:
    """Converter key -> {new commune code: share}. A commune the package lists among several new ones
    is divided equally: the package gives each new commune's area, not the part of the old commune it
    received, so there is nothing better to weigh by."""
    return {key: {code: Fraction(1, len(news)) for code, _ in news} for key, news in pkg.successors.items()}


def former_districts(pkg: Package, shares: dict[str, dict[str, Fraction]]) -> tuple[dict[str, str], int]:
    """New commune code -> the district most of its former communes came from (the sum of the shares
    of the district's communes; ties: the lowest district code). Also returns how many ties there were."""
    by_commune: dict[str, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    for key, s in shares.items():
        district = pkg.old_units[key].district_code
        for code, share in s.items():
            by_commune[code][district] += share
    out, ties = {}, 0
    for code, totals in by_commune.items():
        best = max(totals.values())
        winners = sorted(d for d, t in totals.items() if t == best)
        ties += len(winners) > 1
        out[code] = winners[0]
    return out, ties


@dataclass
class Succession:
    from_code: str
    from_level: str
    to_code: str
    to_level: str
    effective: dt.date
    weight: int  # millionths
    is_default: bool
    kind: str = ""
    sectors: str = ""
    source: str = ""

    def row(self) -> dict[str, str]:
        return {"from_unit_code": self.from_code, "from_unit_level": self.from_level, "to_unit_code": self.to_code,
                "to_unit_level": self.to_level, "effective_date": self.effective.isoformat(), "kind": self.kind,
                "weight": weight_text(self.weight), "is_default": "1" if self.is_default else "0",
                "sectors": self.sectors, "source": self.source}


def successions_for(from_code: str, from_level: str, to_level: str, effective: dt.date,
                    shares: dict[str, Fraction], default: str, source: str) -> list[Succession]:
    w = rounded_weights(shares, default)
    return [Succession(from_code, from_level, to, to_level, effective, w[to], to == default, source=source)
            for to in sorted(shares)]


def assign_kinds(rows: list[Succession], names: dict[tuple[str, str], str]) -> None:
    """merge: the whole unit goes into a successor that has other predecessors too; split: the unit is
    divided among several successors; rename / continue: the whole unit becomes a successor that has no
    other predecessor of its level, under another name / the same name. `names` maps ("from" | "to", level, code) to
    the name of the ending unit and of the successor."""
    out_count, in_count = defaultdict(int), defaultdict(int)
    for r in rows:
        out_count[(r.from_level, r.from_code, r.effective)] += 1
        in_count[(r.from_level, r.to_level, r.to_code, r.effective)] += 1
    for r in rows:
        if r.kind:
            continue
        if out_count[(r.from_level, r.from_code, r.effective)] > 1:
            r.kind = "split"
        elif in_count[(r.from_level, r.to_level, r.to_code, r.effective)] > 1:
            r.kind = "merge"
        else:
            before, after = names.get(("from", r.from_level, r.from_code)), names.get(("to", r.to_level, r.to_code))
            r.kind = "continue" if before is not None and before == after else "rename"


# ---------------------------------------------------------------------------------------------------
# Cross-check with vietnam-provinces

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def name_key(name: str) -> str:
    """A name compared across spelling conventions: tone mark placement (Hoà / Hòa, Thuỷ / Thủy),
    case, dashes, apostrophes and repeated spaces do not count."""
    s = unicodedata.normalize("NFC", name)
    s = re.sub(r"[‐-―]", "-", s)
    s = re.sub(r"[’ʼ‘`]", "'", s)
    s = re.sub(r"\s+", " ", s).strip().casefold()
    words = []
    for w in s.split(" "):
        d = unicodedata.normalize("NFD", w)
        tones = "".join(sorted(c for c in d if c in _TONES))
        words.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES)) + tones)
    return " ".join(words)


def _bare_province(name: str) -> str:
    return re.sub(r"^(Tỉnh|Thành phố) ", "", name)


def crosscheck(pkg: Package) -> list[dict[str, str]]:
    """Provinces and communes after the reform against vietnam-provinces: the same 34 province codes
    and names and, in every province, the same communes by name (spelling conventions aside) — else
    ReferenceError. Returns the rows where a code or the exact spelling differs."""
    from vietnam_provinces import Province, Ward

    theirs_p = {f"{int(p.code):02d}": p.name for p in Province.iter_all()}
    if set(theirs_p) != set(pkg.provinces_new):
        raise ReferenceError(f"vietnam-provinces: mã tỉnh khác vietnamadminunits: "
                             f"{sorted(set(theirs_p) ^ set(pkg.provinces_new))}")
    rows = []
    for code, (name, _, _) in sorted(pkg.provinces_new.items()):
        if name_key(_bare_province(theirs_p[code])) != name_key(_bare_province(name)):
            raise ReferenceError(f"vietnam-provinces: tỉnh mã {code} là '{theirs_p[code]}', vietnamadminunits: '{name}'")
    theirs: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for w in Ward.iter_all():
        theirs[f"{int(w.province_code):02d}"][name_key(w.name)] = (f"{int(w.code):05d}", w.name)
    ours: dict[str, dict[str, NewCommune]] = defaultdict(dict)
    for c in pkg.communes.values():
        ours[c.province_code][name_key(c.name)] = c
    for pc in sorted(pkg.provinces_new):
        if set(ours[pc]) != set(theirs[pc]):
            only = sorted(set(ours[pc]) ^ set(theirs[pc]))
            raise ReferenceError(f"vietnam-provinces: tỉnh {pc} có xã, phường khác vietnamadminunits: {only[:5]}")
        for key, c in sorted(ours[pc].items(), key=lambda kv: kv[1].code):
            their_code, their_name = theirs[pc][key]
            diff = [d for d, differs in (("code", their_code != c.code), ("spelling", their_name != c.name)) if differs]
            if diff:
                rows.append({"unit_level": "commune", "parent_code": pc, "unit_code": c.code, "unit_name": c.name,
                             "vietnam_provinces_code": their_code, "vietnam_provinces_name": their_name,
                             "difference": ", ".join(diff)})
    return rows


# ---------------------------------------------------------------------------------------------------
# Hand-entered files and the project's 2023 catalogue


def _read(path: Path, columns: list[str]) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != columns:
            raise ReferenceError(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: cột phải là "
                                 f"{', '.join(columns)} (đang là {', '.join(reader.fieldnames or [])})")
        return list(reader)


def _date(text: str, where: str) -> dt.date | None:
    if text == "":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ReferenceError(f"{where}: '{text}' không phải ngày dạng YYYY-MM-DD") from None


def _province_settings(root: Path) -> tuple[str, str]:
    with open(root / "config.toml", "rb") as f:
        p = tomllib.load(f)["province"]
    return p["code"], p.get("commune_resolution_2025", "")


# ---------------------------------------------------------------------------------------------------
# Deriving the tables


@dataclass
class Derived:
    units: list[dict[str, str]]
    succession: list[dict[str, str]]
    legacy: list[dict[str, str]]
    national: list[dict[str, str]]
    crosscheck: list[dict[str, str]]
    former_district_ties: int
    province_code: str

    def files(self) -> dict[str, str]:
        return {"admin_units.csv": _csv(UNIT_COLUMNS, self.units),
                "unit_succession.csv": _csv(SUCCESSION_COLUMNS, self.succession),
                "legacy_communes.csv": _csv(LEGACY_COLUMNS, self.legacy),
                "national/units_2025.csv": _csv(UNIT_COLUMNS, self.national),
                "national/crosscheck_vietnam_provinces.csv": _csv(CROSSCHECK_COLUMNS, self.crosscheck)}


def _csv(columns: list[str], rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _num(x: float | None) -> str:
    return "" if x is None else repr(x)


def _unit(code, name, level, utype, parent, valid_from, valid_to, former="", lat=None, lon=None, area=None,
          source="") -> dict[str, str]:
    return {"unit_code": code, "unit_name": name, "unit_level": level, "unit_type": utype, "parent_code": parent or "",
            "valid_from": valid_from.isoformat() if valid_from else "", "valid_to": valid_to.isoformat() if valid_to else "",
            "former_district_code": former, "lat": _num(lat), "lon": _num(lon), "area_km2": _num(area), "source": source}


def _unit_sort(r: dict[str, str]):
    return (LEVELS.index(r["unit_level"]), r["unit_code"], r["valid_from"])


def _succession_sort(r: dict[str, str]):
    return (r["effective_date"], LEVELS.index(r["from_unit_level"]), r["from_unit_code"], r["to_unit_code"])


def derive(root: Path = ROOT) -> Derived:
    check_pins()
    pkg = read_package()
    reference = root / "data" / "reference"
    province, commune_resolution = _province_settings(root)
    if province not in pkg.provinces_old or province not in pkg.provinces_new:
        raise ReferenceError(f"config.toml: tỉnh {province} không có trong vietnamadminunits")
    src = f"vietnamadminunits {pkg.version}"
    day_before_merger = PROVINCE_MERGER - dt.timedelta(days=1)
    day_before_reform = TWO_TIER - dt.timedelta(days=1)

    # Provinces: a province not merged continues (one row); merged provinces end and the province formed
    # from them is a new unit from 12 June 2025, even where it reuses a code or a name (Resolution 202:
    # "hợp nhất ... thành tỉnh mới").
    units, national, successions = [], [], []
    continuing = {new for new, olds in pkg.province_successors.items() if olds == [new]}
    for code, (name, lat, lon) in pkg.provinces_old.items():
        if code in continuing:
            nname, nlat, nlon = pkg.provinces_new[code]
            row = _unit(code, nname, "province", _type_of_province(nname), None, None, None, lat=nlat, lon=nlon,
                        source=f"{src}: admin_units_legacy, admin_units (không sáp nhập, {PROVINCE_MERGER_SOURCE})")
            units.append(row)
            national.append(row)
        else:
            units.append(_unit(code, name, "province", _type_of_province(name), None, None, day_before_merger,
                               lat=lat, lon=lon, source=f"{src}: admin_units_legacy; {PROVINCE_MERGER_SOURCE}"))
    names = {}
    for code, olds in pkg.province_successors.items():
        if code in continuing:
            continue
        name, lat, lon = pkg.provinces_new[code]
        row = _unit(code, name, "province", _type_of_province(name), None, PROVINCE_MERGER, None, lat=lat, lon=lon,
                    source=f"{src}: admin_units; {PROVINCE_MERGER_SOURCE}")
        units.append(row)
        national.append(row)
        for old in olds:
            successions += successions_for(old, "province", "province", PROVINCE_MERGER, {code: Fraction(1)}, code,
                                           f"{src}: converter_2025.json (DICT_PROVINCE); {PROVINCE_MERGER_SOURCE}")
            names[("from", "province", old)] = pkg.provinces_old[old][0]
        names[("to", "province", code)] = name

    # Communes after the reform (national) and their former districts.
    shares = commune_shares(pkg)
    former, ties = former_districts(pkg, shares)
    reform_source = f"{src}: admin_units" + (f"; NQ {commune_resolution}" if commune_resolution else "")
    for c in sorted(pkg.communes.values(), key=lambda c: c.code):
        row = _unit(c.code, c.name, "commune", c.type, c.province_code, TWO_TIER, None, former[c.code], c.lat, c.lon,
                    c.area_km2, f"{src}: admin_units")
        national.append(row)
        if c.province_code == province:
            units.append(dict(row, source=reform_source + f"; {TWO_TIER_SOURCE}"))

    # The configured province's district-level units: the project's 2023 catalogue (GSO codes), checked
    # against the package's list just before the reform; a district missing there must have ended by a
    # change entered by hand (data/reference/manual/territorial_changes.csv).
    catalogue = _read_catalogue(reference)
    districts_2023 = {c: u for c, u in catalogue.items() if u["unit_level"] == "district" and u["parent_code"] == province}
    package_districts = {c: d for c, d in pkg.districts.items() if d[2] == province}
    manual = _read(reference / MANUAL["territorial"], SUCCESSION_COLUMNS)
    ended_by_hand = {}
    for i, r in enumerate(manual, start=2):
        where = f"{MANUAL['territorial']}, dòng {i}"
        eff = _date(r["effective_date"], where)
        if r["from_unit_level"] != "district" or r["to_unit_level"] != "district":
            raise ReferenceError(f"{where}: chỉ ghi thay đổi giữa các đơn vị cấp huyện")
        if r["from_unit_code"] not in districts_2023 or r["to_unit_code"] not in districts_2023:
            raise ReferenceError(f"{where}: mã {r['from_unit_code']} hoặc {r['to_unit_code']} không có trong units.csv")
        ended_by_hand[r["from_unit_code"]] = eff - dt.timedelta(days=1)
        successions.append(Succession(r["from_unit_code"], "district", r["to_unit_code"], "district", eff,
                                      int(Decimal(r["weight"]) * ONE), r["is_default"] == "1", r["kind"],
                                      r["sectors"], r["source"]))
    for code, u in districts_2023.items():
        if code in package_districts:
            pname = package_districts[code][0]
            if name_key(pname) != name_key(u["unit_name"]):
                raise ReferenceError(f"Huyện {code}: units.csv ghi '{u['unit_name']}', vietnamadminunits ghi '{pname}'")
        elif code not in ended_by_hand:
            raise ReferenceError(f"Đơn vị cấp huyện {code} ({u['unit_name']}) có trong units.csv nhưng không có trong "
                                 f"vietnamadminunits trước sắp xếp, và không có thay đổi nào ghi tay trong "
                                 f"{MANUAL['territorial']}")
    if set(package_districts) - set(districts_2023):
        raise ReferenceError(f"vietnamadminunits có đơn vị cấp huyện không có trong units.csv: "
                             f"{sorted(set(package_districts) - set(districts_2023))}")
    by_hand_source = {r["from_unit_code"]: r["source"] for r in manual}
    for code, u in districts_2023.items():
        lat = lon = None
        if code in package_districts:
            _, _, _, lat, lon = package_districts[code]
            source = (f"data/reference/units.csv (GSO 2023); {src}: admin_units_legacy (tọa độ); hết hiệu lực: "
                      f"{TWO_TIER_SOURCE}")
            valid_to = day_before_reform
        else:
            source = f"data/reference/units.csv (GSO 2023); {by_hand_source[code]}"
            valid_to = ended_by_hand[code]
        units.append(_unit(code, u["unit_name"], "district", u["unit_type"], province, None, valid_to, lat=lat, lon=lon,
                           source=source))

    # The province's communes before the reform, their successions and their districts' successions.
    legacy, district_shares = [], defaultdict(lambda: defaultdict(Fraction))
    district_size = defaultdict(int)
    for key, old in pkg.old_units.items():
        if old.province_code == province:
            district_size[old.district_code] += 1
    conv_source = (f"{src}: converter_2025.json" + (f"; NQ {commune_resolution}" if commune_resolution else "")
                   + "; trọng số: xem README")
    for key, old in sorted(pkg.old_units.items(), key=lambda kv: (kv[1].code or "", kv[0])):
        if old.province_code != province:
            continue
        if old.code is None:
            raise ReferenceError(f"vietnamadminunits: {key} không có mã xã")
        legacy.append({"unit_code": old.code, "unit_name": old.name, "unit_type": old.type,
                       "district_code": old.district_code, "province_code": province,
                       "valid_to": day_before_reform.isoformat(), "lat": _num(old.lat), "lon": _num(old.lon),
                       "source": f"{src}: admin_units_legacy"})
        default = next(code for code, d in pkg.successors[key] if d)
        successions += successions_for(old.code, "commune", "commune", TWO_TIER, shares[key], default, conv_source)
        names[("from", "commune", old.code)] = old.name
        for code, share in shares[key].items():
            district_shares[old.district_code][code] += share / district_size[old.district_code]
    for c in pkg.communes.values():
        names[("to", "commune", c.code)] = c.name
    for d, s in sorted(district_shares.items()):
        best = max(s.values())
        default = min(code for code, v in s.items() if v == best)
        successions += successions_for(d, "district", "commune", TWO_TIER, dict(s), default,
                                       f"{src}: converter_2025.json; {TWO_TIER_SOURCE}; trọng số: xem README")
    assign_kinds([s for s in successions if s.effective in (PROVINCE_MERGER, TWO_TIER)], names)

    # Agencies: entered by hand, checked against the 2023 catalogue.
    agency_units, agency_successions = _agencies(reference, catalogue, province)
    units += agency_units
    succession_rows = [s.row() for s in successions] + agency_successions
    units.sort(key=_unit_sort)
    national.sort(key=_unit_sort)
    succession_rows.sort(key=_succession_sort)
    legacy.sort(key=lambda r: r["unit_code"])
    check_consistency(units, succession_rows, legacy)
    return Derived(units, succession_rows, legacy, national, crosscheck(pkg), ties, province)


def _read_catalogue(reference: Path) -> dict[str, dict[str, str]]:
    with open(reference / "units.csv", encoding="utf-8", newline="") as f:
        return {r["unit_code"]: r for r in csv.DictReader(f)}


def _agencies(reference: Path, catalogue: dict, province: str) -> tuple[list[dict], list[dict]]:
    units = _read(reference / MANUAL["agency_units"], UNIT_COLUMNS)
    succ = _read(reference / MANUAL["agency_succession"], SUCCESSION_COLUMNS)
    seen = set()
    for i, u in enumerate(units, start=2):
        where = f"{MANUAL['agency_units']}, dòng {i} ({u['unit_code']})"
        if u["unit_level"] != "agency" or u["parent_code"] != province:
            raise ReferenceError(f"{where}: phải là cơ quan (agency) thuộc tỉnh {province}")
        if not re.fullmatch(r"[0-9A-Za-z.]+", u["unit_code"]):
            raise ReferenceError(f"{where}: mã chỉ gồm chữ, số và dấu chấm (như trong tên tệp nộp)")
        if not u["source"]:
            raise ReferenceError(f"{where}: thiếu nguồn (cột source)")
        if (u["unit_code"], u["valid_from"]) in seen:
            raise ReferenceError(f"{where}: trùng mã và ngày bắt đầu")
        seen.add((u["unit_code"], u["valid_from"]))
        old = catalogue.get(u["unit_code"])
        if old is not None and old["unit_name"] != u["unit_name"]:
            raise ReferenceError(f"{where}: units.csv ghi tên '{old['unit_name']}'")
        f, t = _date(u["valid_from"], where), _date(u["valid_to"], where)
        if f and t and f > t:
            raise ReferenceError(f"{where}: valid_from sau valid_to")
    listed = {u["unit_code"] for u in units}
    missing = sorted(c for c, u in catalogue.items() if u["unit_level"] == "agency" and u["parent_code"] == province
                     and c not in listed)
    if missing:
        raise ReferenceError(f"{MANUAL['agency_units']}: thiếu các cơ quan của units.csv: {', '.join(missing)}")
    for i, s in enumerate(succ, start=2):
        where = f"{MANUAL['agency_succession']}, dòng {i}"
        if s["from_unit_level"] != "agency" or s["to_unit_level"] != "agency" or not s["source"]:
            raise ReferenceError(f"{where}: chỉ ghi kế thừa giữa các cơ quan, có nguồn")
    return units, succ


def check_consistency(units: list[dict], succession: list[dict], legacy: list[dict]) -> None:
    """Every succession joins a unit ending the day before its date to a unit valid on it; a unit's
    weights on one date add up to exactly 1 with exactly one default successor; every ended unit of
    the province (and every legacy commune) has successors; kinds are known."""
    def valid(r, day):
        return (r["valid_from"] == "" or r["valid_from"] <= day) and (r["valid_to"] == "" or day <= r["valid_to"])

    by_code = defaultdict(list)
    for r in units:
        by_code[(r["unit_level"], r["unit_code"])].append(r)
    for r in legacy:
        by_code[("commune", r["unit_code"])].append({"valid_from": "", "valid_to": r["valid_to"], "legacy": True})
    totals, defaults = defaultdict(int), defaultdict(int)
    for s in succession:
        day = s["effective_date"]
        before = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
        what = f"{s['from_unit_code']} → {s['to_unit_code']} ({day})"
        if not any(r["valid_to"] == before for r in by_code[(s["from_unit_level"], s["from_unit_code"])]):
            raise ReferenceError(f"Kế thừa {what}: không có đơn vị {s['from_unit_code']} kết thúc ngày {before}")
        if not any(valid(r, day) and not r.get("legacy") for r in by_code[(s["to_unit_level"], s["to_unit_code"])]):
            raise ReferenceError(f"Kế thừa {what}: đơn vị {s['to_unit_code']} không có hiệu lực ngày {day}")
        if s["kind"] not in KINDS:
            raise ReferenceError(f"Kế thừa {what}: loại '{s['kind']}' không thuộc {', '.join(KINDS)}")
        if not re.fullmatch(r"[01]\.\d{%d}" % WEIGHT_PLACES, s["weight"]):
            raise ReferenceError(f"Kế thừa {what}: trọng số '{s['weight']}' phải có dạng 0.xxxxxx")
        key = (s["from_unit_level"], s["from_unit_code"], day)
        totals[key] += int(Decimal(s["weight"]) * ONE)
        defaults[key] += s["is_default"] == "1"
    for key, total in totals.items():
        if total != ONE:
            raise ReferenceError(f"Trọng số kế thừa của {key[1]} ngày {key[2]} cộng lại {weight_text(total)}, phải là 1")
        if defaults[key] != 1:
            raise ReferenceError(f"Kế thừa của {key[1]} ngày {key[2]} phải có đúng một đơn vị mặc định (is_default)")
    ended = {(r["unit_level"], r["unit_code"]) for r in units if r["valid_to"]} | {("commune", r["unit_code"]) for r in legacy}
    has = {(s["from_unit_level"], s["from_unit_code"]) for s in succession}
    if ended - has:
        raise ReferenceError(f"Đơn vị đã kết thúc mà không có đơn vị kế thừa: {sorted(ended - has)[:5]}")


# ---------------------------------------------------------------------------------------------------
# Command


def valid_on(rows: list[dict[str, str]], day: dt.date, level: str, parent: str | None = None) -> list[dict[str, str]]:
    d = day.isoformat()
    return [r for r in rows if r["unit_level"] == level and (parent is None or r["parent_code"] == parent)
            and (r["valid_from"] == "" or r["valid_from"] <= d) and (r["valid_to"] == "" or d <= r["valid_to"])]


def summary(d: Derived) -> list[str]:
    p = d.province_code
    counts = [
        ("tỉnh, thành phố", "province", None, dt.date(2025, 6, 11)), ("tỉnh, thành phố", "province", None, PROVINCE_MERGER),
        ("đơn vị cấp huyện", "district", p, dt.date(2023, 9, 1)), ("đơn vị cấp huyện", "district", p, dt.date(2025, 6, 30)),
        ("xã, phường", "commune", p, dt.date(2025, 6, 30)), ("xã, phường", "commune", p, TWO_TIER),
        ("cơ quan cấp tỉnh", "agency", p, dt.date(2025, 2, 28)), ("cơ quan cấp tỉnh", "agency", p, dt.date(2025, 3, 1)),
    ]
    lines = [f"Ngày {day:%d/%m/%Y}: {len(valid_on(d.units, day, level, parent))} {label}"
             + ("" if parent is None else f" của tỉnh {parent}") for label, level, parent, day in counts]
    lines.append(f"Trước sắp xếp: {len(d.legacy)} xã, phường, thị trấn (legacy_communes.csv, không phải đơn vị báo cáo)")
    n_communes = sum(r["unit_level"] == "commune" for r in d.national)
    n_provinces = sum(r["unit_level"] == "province" for r in d.national)
    lines.append(f"Toàn quốc sau sắp xếp: {n_provinces} tỉnh, thành phố; {n_communes} xã, phường, đặc khu")
    codes = sum("code" in r["difference"] for r in d.crosscheck)
    spelling = sum("spelling" in r["difference"] for r in d.crosscheck)
    local = sum(r["parent_code"] == p and "code" in r["difference"] for r in d.crosscheck)
    lines.append(f"Đối chiếu vietnam-provinces: tên khớp; {codes} mã xã khác ({local} ở tỉnh {p}), "
                 f"{spelling} khác cách viết (national/crosscheck_vietnam_provinces.csv)")
    lines.append(f"Khu vực huyện cũ: {d.former_district_ties} xã toàn quốc hòa, lấy mã huyện nhỏ nhất")
    return lines


def write(d: Derived, out: Path) -> list[Path]:
    written = []
    for name, text in d.files().items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written


def differences(d: Derived, reference: Path = REFERENCE_DIR) -> list[str]:
    out = []
    for name, text in d.files().items():
        path = reference / name
        if not path.exists():
            out.append(f"{name}: chưa có")
        elif path.read_text(encoding="utf-8") != text:
            out.append(f"{name}: khác với dữ liệu dẫn xuất")
    return out


def add_parser(sub) -> None:
    r = sub.add_parser("reference", help="dẫn xuất dữ liệu tham chiếu từ các gói được ghim phiên bản")
    rs = r.add_subparsers(dest="reference_command", required=True)
    u = rs.add_parser("units", help="đơn vị hành chính theo thời gian, kế thừa, khu vực huyện cũ (sắp xếp 2025)")
    u.add_argument("--out", type=Path, help="thư mục ghi (mặc định data/reference)")
    u.add_argument("--check", action="store_true",
                   help="không ghi gì: so sánh với các tệp trong data/reference, mã thoát 1 nếu khác")
    u.set_defaults(func=run)


def run(args) -> int:
    import sys

    try:
        d = derive()
    except ReferenceError as e:
        print(f"Lỗi: {e}", file=sys.stderr)
        return 2
    for line in summary(d):
        print(line)
    if args.check:
        diff = differences(d)
        for line in diff:
            print(f"Khác: {line}. Hãy chạy: python -m etl reference units", file=sys.stderr)
        return 1 if diff else 0
    out = args.out or REFERENCE_DIR
    for path in write(d, out):
        print(f"Đã ghi {path}")
    return 0
