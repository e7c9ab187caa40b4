"""Đề án 06 dashboard: entry point. Run: streamlit run app.py

Sets up the navigation (pages/), the one warehouse connection and the shared filters. The
filters live in the query string, so a view can be bookmarked and sent:

    ?period=2023-09                  a month            ?period=2023-01..2023-09   a range
    ?unit=395,396 (or unit=395&unit=396)  districts or communes     ?agency=38.CA  an agency
    ?area=395                        a former district (khu vực huyện cũ) and its communes
    ?combine=1                        two or more units added up (else compared side by side)

Opening such a link shows exactly that view; changing a filter rewrites the link. Page links in
the menu keep the filters (they are restored from the session when the menu clears the URL).
"""
from __future__ import annotations

import streamlit as st

from accounts import store
from dashboard import auth, errors, ui
from dashboard.filters import APPLIED_KEY, Filters, parse_params, scope, unit_label, with_places
from dashboard.plain import plain
from dashboard.queries import catalog, places
from dashboard.state import warehouse
from etl.config import complete_share, reporting_as_of
from etl.definitions import COMPARE_MODE_LABELS, UNIT_FILTER_LABELS, UNIT_FILTER_PLACEHOLDER, fmt_count, period_label
from etl.periods import add_months

st.set_page_config(page_title="Đề án 06", page_icon="🪪", layout="wide", initial_sidebar_state="auto")
errors.install()  # widget callbacks: no traceback either (dashboard/errors.py)

GLOBAL_PARAMS = ("period", "area", "unit", "agency", "combine")
MODE_MONTH, MODE_RANGE = "month", "range"
MODE_LABELS = {MODE_MONTH: "Một tháng", MODE_RANGE: "Nhiều tháng"}
ALL_AGENCIES = ""
ALL_AREAS = ""

# The dashboard pages share the sidebar filters; the others have their own controls.
DASHBOARD = [
    st.Page("pages/overview.py", title="Tổng quan", icon=":material/dashboard:", default=True, url_path="overview"),
    st.Page("pages/services.py", title="Dịch vụ công", icon=":material/description:", url_path="services"),
    st.Page("pages/identity.py", title="CCCD và VNeID", icon=":material/badge:", url_path="identity"),
    st.Page("pages/cleaning.py", title="Làm sạch dữ liệu", icon=":material/cleaning_services:", url_path="cleaning"),
    st.Page("pages/utilities.py", title="Tiện ích Đề án 06", icon=":material/health_and_safety:", url_path="utilities"),
    st.Page("pages/tasks.py", title="Nhiệm vụ", icon=":material/checklist:", url_path="tasks"),
    st.Page("pages/district.py", title="Hồ sơ địa phương", icon=":material/location_city:", url_path="district"),
    st.Page("pages/pivot.py", title="Bảng tổng hợp", icon=":material/pivot_table_chart:", url_path="pivot"),
]
REPORTING = st.Page("pages/reporting.py", title="Tình hình báo cáo", icon=":material/fact_check:", url_path="reporting")
REPORT = st.Page("pages/report.py", title="Báo cáo tháng", icon=":material/summarize:", url_path="report")
UPLOAD = st.Page("pages/upload.py", title="Nộp báo cáo", icon=":material/upload_file:", url_path="upload")
LOGIN = st.Page("pages/login.py", title="Đăng nhập", icon=":material/login:", url_path="login")
ADMIN = st.Page("pages/admin.py", title="Quản trị", icon=":material/admin_panel_settings:", url_path="admin")
DASHBOARD_TITLES = {p.title for p in DASHBOARD}


# Pages that need a login, and the roles that may use them.
PROTECTED = {UPLOAD.url_path: ("uploader", "admin"), ADMIN.url_path: ("admin",)}


def requested_page() -> str:
    """The page path the browser asks for (a bookmark, a reload), base path removed."""
    from urllib.parse import urlsplit

    path = urlsplit(st.context.url or "").path.strip("/")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return path[len(base):].strip("/") if base and path.startswith(base) else path


def navigation(user, requested: str = "") -> dict:
    """The menu for this user: pages a role may not use are not offered (each page checks the
    role again), except the one the browser asks for, which then asks for the login in place
    (a bookmarked /upload) instead of "page not found". With require_login_to_view, a visitor
    who is not logged in sees only the login (and the page asked for, behind it)."""
    wanted = [p for p in (UPLOAD, ADMIN, *DASHBOARD, REPORTING) if p.url_path == requested]
    if user is None and auth.require_login_to_view():
        return {"Tài khoản": [LOGIN] + wanted}
    reports = [REPORTING, REPORT] + ([UPLOAD] if auth.has_role(user, "uploader", "admin") or (user is None and UPLOAD in wanted) else [])
    account = [LOGIN] + ([ADMIN] if auth.has_role(user, "admin") or (user is None and ADMIN in wanted) else [])
    return {"Bảng điều khiển": DASHBOARD, "Báo cáo": reports, "Tài khoản": account}


def needs_login(pg, user) -> bool:
    """A page this visitor may only see after logging in."""
    if user is not None:
        return False
    return pg.url_path in PROTECTED or (auth.require_login_to_view() and pg.url_path != LOGIN.url_path)


def login_in_place(pg) -> None:
    """The login form on the page asked for; after login the browser opens that page again."""
    from urllib.parse import urlencode

    st.title(pg.title)
    st.info("Trang này cần đăng nhập. Đăng nhập xong, trang sẽ tự mở lại.")
    query = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])
    auth.login_form(pg.url_path + (f"?{query}" if query else ""))


@st.cache_resource
def _last_version() -> dict:
    return {"version": None}


def _url_key(params: dict[str, list[str]]) -> str:
    return "&".join(f"{k}={','.join(v)}" for k, v in sorted(params.items()) if v)


def _apply(f: Filters) -> None:
    """Put filters into the sidebar widgets' state."""
    ss = st.session_state
    ss["f_mode"] = MODE_RANGE if f.is_range else MODE_MONTH
    ss["f_month"] = f.last
    ss["f_range"] = (f.first, f.last)
    ss["f_units"] = list(f.units)
    ss["f_area"] = f.area or ALL_AREAS
    ss["f_agency"] = f.agency or ALL_AGENCIES
    ss["f_combine"] = f.combine


def _touched() -> None:
    """A filter widget changed in this run: the person's newest choice, which wins over the URL.
    (The URL a run receives can lag behind the one the previous run wrote: two quick key presses
    on a slider would otherwise bring the older month back.)"""
    st.session_state["_f_touched"] = True


def _on_mode_change(periods) -> None:
    ss = st.session_state
    _touched()
    if ss["f_mode"] == MODE_RANGE:
        last = ss.get("f_month") or periods[-1]
        ss["f_range"] = (max(add_months(last, -5), periods[0]), last)
    else:
        rng = ss.get("f_range")
        ss["f_month"] = rng[1] if isinstance(rng, (tuple, list)) and len(rng) == 2 else periods[-1]


def _reset(options: dict) -> None:
    d = options["default_period"]
    _apply(Filters(d, d))


def _reset_clicked(options: dict) -> None:
    _touched()
    _reset(options)


def sidebar_filters(options: dict) -> tuple[Filters, list[str]]:
    """The shared filters: from the URL when it names any (and differs from what was applied
    last), else from this session's widgets; written back to the URL in canonical form."""
    ss = st.session_state
    periods = options["periods"]
    url = {k: st.query_params.get_all(k) for k in GLOBAL_PARAMS}
    notices: list[str] = []
    touched = ss.pop("_f_touched", False)
    if not touched and any(url.values()) and _url_key(url) != ss.get(APPLIED_KEY):
        parsed = parse_params(url, options)
        _apply(parsed.filters)
        notices = parsed.notices
    elif "f_mode" not in ss:
        _reset(options)

    agencies = dict(options["agencies"])
    with st.sidebar:
        st.markdown("### Bộ lọc")
        if len(periods) > 1:
            mode = st.radio("Kỳ báo cáo", [MODE_MONTH, MODE_RANGE], format_func=MODE_LABELS.get, key="f_mode",
                            horizontal=True, on_change=_on_mode_change, args=(periods,))
            if mode == MODE_MONTH:
                if ss.get("f_month") not in periods:
                    ss["f_month"] = options["default_period"]
                m = st.select_slider("Tháng", options=periods, format_func=period_label, key="f_month",
                                     on_change=_touched)
                first = last = m
            else:
                rng = ss.get("f_range")
                if not (isinstance(rng, (tuple, list)) and len(rng) == 2 and all(r in periods for r in rng)):
                    rng = (periods[0], periods[-1])
                    ss["f_range"] = rng
                # value= makes it a range slider: without it Streamlit reads the handles the
                # browser sends back as one month (its default), and the run after a drag got a date.
                first, last = st.select_slider("Từ tháng – đến tháng", options=periods, format_func=period_label,
                                               value=tuple(rng), key="f_range", on_change=_touched)
        else:
            first = last = options["default_period"]
            st.markdown(f"Kỳ báo cáo: **{plain(period_label(last))}**")
        # The units valid in the chosen period, grouped by former district (a commune's label
        # names it: typing the district's name finds its communes); a former district narrows them.
        valid = ui.cached(places.valid_places, first, last)
        areas = dict(options["areas"])
        if ss.get("f_area") not in areas:
            ss["f_area"] = ALL_AREAS
        # An old link to a district for a month after the reform (?unit=395 in 2026) opens its area.
        gone = [u for u in ss.get("f_units", []) if u not in set(valid["unit_code"])]
        if len(gone) == 1 and gone[0] in areas and not ss["f_area"] and not touched:
            ss["f_area"] = gone[0]
        area = st.selectbox("Khu vực huyện cũ", [ALL_AREAS] + list(areas), key="f_area", on_change=_touched,
                            format_func=lambda c: areas[c] if c else "Tất cả")
        offered = valid[valid["former_district_code"] == area] if area else valid
        labels = {r.unit_code: unit_label(r.unit_name, r.unit_level, r.former_district_name) for r in offered.itertuples()}
        levels = tuple(sorted(set(offered["unit_level"])))
        ss["f_units"] = [u for u in ss.get("f_units", []) if u in labels]
        units = st.multiselect(UNIT_FILTER_LABELS.get(levels, UNIT_FILTER_LABELS[("district",)]), list(labels),
                               format_func=labels.get, key="f_units", placeholder=UNIT_FILTER_PLACEHOLDER,
                               on_change=_touched, select_all=False)  # its "Select … matches" is English; the area picks a district's all
        combine = False
        if len(units) > 1:  # several units: compared side by side unless the person adds them up
            ss["f_combine"] = bool(ss.get("f_combine", False))
            combine = st.radio("Nhiều địa phương", [False, True], format_func=COMPARE_MODE_LABELS.get, key="f_combine",
                               horizontal=True, on_change=_touched)
        if ss.get("f_agency") not in agencies and ss.get("f_agency") != ALL_AGENCIES:
            ss["f_agency"] = ALL_AGENCIES
        agency = st.selectbox("Cơ quan chủ trì", [ALL_AGENCIES] + list(agencies),
                              format_func=lambda c: agencies.get(c, "Tất cả cơ quan"), key="f_agency",
                              on_change=_touched)
        st.button("Đặt lại bộ lọc", on_click=_reset_clicked, args=(options,), key="f_reset", width="stretch")

    order = [c for c, _ in options["units"]]
    chosen = tuple(c for c in order if c in set(units))
    f = Filters(first, last, chosen, agency or None, area or None, scope(chosen, area or None, valid),
                combine=bool(combine) and len(chosen) > 1)
    canonical = f.to_params()
    for k in GLOBAL_PARAMS:
        if k in canonical:
            if st.query_params.get_all(k) != [canonical[k]]:
                st.query_params[k] = canonical[k]
        elif k in st.query_params:
            del st.query_params[k]
    ss[APPLIED_KEY] = _url_key({k: [v] for k, v in canonical.items()})
    return f, notices


def main() -> None:
    st.html(ui.CSS)
    # st.navigation first, before anything may stop the run: it is what tells Streamlit that
    # app.py owns the routing (see dashboard/serve.py).
    user = auth.current_user()
    # expanded: every page the role may use is listed; collapsed, Streamlit would hide all but
    # the first 10 behind an English "View N more" (an administrator has 13 pages)
    pg = st.navigation(navigation(user, requested_page()), expanded=True)
    with st.sidebar:
        if user:
            st.caption(f"Đang đăng nhập: **{plain(user.display_name)}** ({store.ROLES[user.role]})")
    if needs_login(pg, user):
        login_in_place(pg)
        return
    wh = warehouse()
    if not wh.exists():
        st.error(f"Chưa có kho dữ liệu ({plain(str(wh.path))}). Hãy chạy: `python -m etl build`.")
        st.stop()
    version = wh.version()
    seen = _last_version()
    if seen["version"] != version:
        ui.clear_cache()  # the warehouse was rebuilt or a submission loaded: drop old results
        seen["version"] = version
    if pg.title not in DASHBOARD_TITLES:
        pg.run()
        return
    # the month the dashboards open on: the latest one due and mostly in ([reporting] in config.toml)
    options = with_places(ui.cached(catalog.filter_options, reporting_as_of(), complete_share()), ui.cached(places.places))
    if not options["periods"]:
        st.warning("Kho dữ liệu chưa có số liệu nào. Hãy nạp báo cáo hoặc chạy `python -m etl sample` rồi "
                   "`python -m etl build`.")
        st.stop()
    filters, notices = sidebar_filters(options)
    summary = ui.cached(catalog.warehouse_summary)
    with st.sidebar:
        st.caption(f"Kho dữ liệu: {period_label(summary['first_period'].date())} – "
                   f"{period_label(summary['last_period'].date())} · {fmt_count(summary['files'])} tệp báo cáo. "
                   "Đường dẫn trên thanh địa chỉ giữ bộ lọc: sao chép để gửi đúng màn hình này.")
    for n in notices:
        st.warning(plain(n), icon="⚠️")  # a notice quotes the URL: shown as plain text
    st.session_state[ui.CTX_KEY] = ui.Ctx(filters, options)
    pg.run()


errors.run(main)  # no traceback reaches the browser: a Vietnamese message and a reference in the log
