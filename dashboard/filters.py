"""The shared filters (period, territorial units, former district, agency) and their query-string form.

    ?period=2023-09                 one month
    ?period=2023-01..2023-09        a range of months (inclusive)
    ?unit=395&unit=396  or  ?unit=395,396   districts or communes (none = the whole province)
    ?area=395                       a former district (khu vực huyện cũ): the district's own figures
                                    before the 2025 reform and its communes' after (narrowed by ?unit)
    ?agency=38.CA                   a responsible agency (none = every agency)
    ?combine=1                      two or more districts added up ("Cộng gộp"); without it
                                    they are compared side by side

Parsing never raises: a value that is not valid for this warehouse is dropped with a notice in
Vietnamese and the default is used instead.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from etl.definitions import COMBINED_WORD
from etl.periods import add_months, parse_period, period_label, period_text

RANGE_SEP = ".."
# The session key of the filters last applied (in their link form): a run whose link differs
# applies the link's filters. Forgetting it makes the next run apply its link (a page switch
# that carries the filters in its link, see dashboard.maps).
APPLIED_KEY = "_f_applied"
TREND_MONTHS = 12  # a single month's trend charts show the 12 months up to it


@dataclass(frozen=True)
class Filters:
    first: dt.date
    last: dt.date
    units: tuple[str, ...] = ()
    agency: str | None = None
    area: str | None = None
    # the units the queries add up: the chosen units, else the former district's units valid in
    # the period (see scope), else none (the province)
    scope: tuple[str, ...] = ()
    combine: bool = False  # two or more units: added up (True) or compared side by side

    @property
    def compares(self) -> bool:
        """Two or more units chosen and not added up: the pages show them side by side."""
        return len(self.units) > 1 and not self.combine

    @property
    def is_range(self) -> bool:
        return self.first != self.last

    @property
    def units_or_none(self) -> tuple[str, ...] | None:
        return self.units or self.scope or None

    def trend_first(self, periods: list[dt.date]) -> dt.date:
        """The first month of trend charts: the range's first month, or for a single month the
        12 months up to it (not before the first month with data)."""
        if self.is_range:
            return self.first
        start = add_months(self.last, -(TREND_MONTHS - 1))
        return max(start, periods[0]) if periods else start

    def period_text(self) -> str:
        return period_text(self.first) if not self.is_range else f"{period_text(self.first)}{RANGE_SEP}{period_text(self.last)}"

    def period_label(self) -> str:
        if not self.is_range:
            return period_label(self.last)
        return f"{period_label(self.first)} – {period_label(self.last)}"

    def to_params(self) -> dict[str, str]:
        out = {"period": self.period_text()}
        if self.area:
            out["area"] = self.area
        if self.units:
            out["unit"] = ",".join(self.units)
        if self.agency:
            out["agency"] = self.agency
        if self.combine and len(self.units) > 1:
            out["combine"] = "1"
        return out


@dataclass
class Parsed:
    filters: Filters
    notices: list[str] = field(default_factory=list)


def _values(params: dict, key: str) -> list[str]:
    """All values of a query parameter: repeated keys and comma-separated lists."""
    v = params.get(key)
    if v is None:
        return []
    items = v if isinstance(v, (list, tuple)) else [v]
    out = []
    for item in items:
        out += [s.strip() for s in str(item).split(",") if s.strip()]
    return out


def parse_params(params: dict, options: dict) -> Parsed:
    """Filters from query parameters (a dict of str or list of str) against the warehouse's
    options (dashboard.queries.filter_options)."""
    periods: list[dt.date] = options["periods"]
    default = options["default_period"]
    notices: list[str] = []
    available = set(periods)

    first = last = default
    raw = _values(params, "period")
    if raw:
        text = raw[0]
        ends = text.split(RANGE_SEP) if RANGE_SEP in text else [text, text]
        parsed = [parse_period(e) for e in ends] if len(ends) == 2 else [None]
        if any(p is None for p in parsed):
            notices.append(f"Tham số kỳ báo cáo “{text}” không hợp lệ (dạng 2023-09 hoặc 2023-01..2023-09); "
                           f"đang hiển thị {period_label(default)}.")
        elif any(p not in available for p in parsed):
            notices.append(f"Không có số liệu cho kỳ “{text}”; đang hiển thị {period_label(default)}.")
        else:
            first, last = sorted(parsed)

    codes = {c for c, _ in options["units"]}
    order = [c for c, _ in options["units"]]
    wanted = _values(params, "unit")
    bad = [u for u in wanted if u not in codes]
    if bad:
        notices.append("Không có đơn vị mã " + ", ".join(f"“{b}”" for b in bad) + "; đã bỏ qua.")
    units = tuple(c for c in order if c in set(wanted))

    area = None
    ar = _values(params, "area")
    if ar:
        if ar[0] in dict(options.get("areas", ())):
            area = ar[0]
        else:
            notices.append(f"Không có khu vực huyện cũ mã “{ar[0]}”; đã bỏ qua.")

    agency = None
    a = _values(params, "agency")
    if a:
        if a[0] in {c for c, _ in options["agencies"]}:
            agency = a[0]
        else:
            notices.append(f"Không có cơ quan mã “{a[0]}”; đang hiển thị tất cả cơ quan.")
    combine = bool(_values(params, "combine")) and _values(params, "combine")[0] not in ("0", "false")
    return Parsed(Filters(first, last, units, agency, area, combine=combine and len(units) > 1), notices)


def describe(f: Filters, options: dict) -> list[tuple[str, str]]:
    """The filters in words, for exports and captions: (label, value) pairs."""
    names = dict(options["units"])
    agencies = dict(options["agencies"])
    return [
        ("Kỳ báo cáo", f.period_label()),
        ("Địa bàn", (", ".join(names.get(u, u) for u in f.units) + (f" ({COMBINED_WORD})" if f.combine and len(f.units) > 1 else "")) if f.units
         else area_label(dict(options.get("areas", ())).get(f.area, f.area)) if f.area else options["province_name"]),
        ("Cơ quan chủ trì", agencies.get(f.agency, f.agency) if f.agency else "Tất cả"),
    ]


def unit_label(name: str, level: str, former_district_name: str | None) -> str:
    """A unit as the unit filter and the profile offer it: a commune with its former district
    (typing the district's name finds its communes), a district by its name."""
    from etl.definitions import FORMER_DISTRICT_SHORT

    if level == "commune" and isinstance(former_district_name, str) and former_district_name:
        return f"{name} · {FORMER_DISTRICT_SHORT.format(name=former_district_name)}"
    return name


def area_label(district_name: str) -> str:
    """A former district as the filter offers it."""
    from etl.definitions import FORMER_DISTRICT_LABEL

    return FORMER_DISTRICT_LABEL.format(name=district_name)


def with_places(options: dict, places) -> dict:
    """The filter options with the territorial units over time (dashboard.queries.places.places):
    `units` — every unit that ever was (code, its latest name), former district by former
    district, then any other unit of the catalogue; `areas` — the former districts (code, name)."""
    latest = places.sort_values("valid_to", na_position="last").drop_duplicates("unit_code", keep="last")
    latest = latest.set_index("unit_code").loc[list(dict.fromkeys(places["unit_code"]))]
    units = list(zip(latest.index, latest["unit_name"]))
    seen = set(latest.index)
    units += [(c, n) for c, n in options["units"] if c not in seen]
    districts = latest[latest["unit_level"] == "district"]
    areas = list(zip(districts.index, districts["unit_name"]))
    return {**options, "units": units, "areas": areas}


def scope(units: tuple[str, ...], area: str | None, valid) -> tuple[str, ...]:
    """The units the queries add up: the chosen ones, else the former district's units valid in
    the period (valid: dashboard.queries.places.valid_places of the period), else none."""
    if units:
        return tuple(units)
    if area:
        return tuple(valid.loc[valid["former_district_code"] == area, "unit_code"])
    return ()
