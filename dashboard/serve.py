"""Start the app: `python -m dashboard.serve [streamlit options]` is `streamlit run app.py` with
two adjustments Streamlit has no option for.

1. app.py's st.navigation is in charge of routing from the very first request. Streamlit
   still treats an app whose entry script has a sibling folder named `pages/` as a legacy (v1)
   multipage app until st.navigation has run once in the process: a first request for a
   sub-page link (/identity?period=2023-09) would run pages/identity.py without app.py, with a
   menu of file names. The folder keeps the name the project's layout gives it; this launcher
   switches the legacy mode off before the server starts, exactly as Streamlit itself does
   when st.navigation is called.

2. A page link opens as fast as the main page. Streamlit's front end does not know where the
   server's root is: opened at /services it first probes /services/_stcore/health, gets a 404,
   waits 100 ms and only then tries /. Bookmarks and links sent around are page links, so
   every one of them paid that wait (a blank two-page app at /b took 1,5× the same app at /).
   The front end reads the server's address from `window.__streamlit.BACKEND_BASE_URL` when
   the page defines it (the hook Streamlit's hosts use); the launcher serves Streamlit's own
   front end with an index.html that defines it as the server's root (under
   server.baseUrlPath), declares the page Vietnamese (lang="vi": screen readers, hyphenation)
   and titles it "Đề án 06" until the app sets its title. Every other file is Streamlit's,
   linked, not copied.

   The same index.html speaks Vietnamese for Streamlit: Streamlit has no locale setting, so
   dashboard/static/chrome_vi.js (with the phrase dictionary dashboard/static/chrome_vi.json)
   translates Streamlit's and plotly's own words — the menu, the table toolbar, the mode bar,
   placeholders, the file uploader, "Connecting", "Running…", "Page not found" — as the front
   end draws them, from the very first paint (the connection messages come before the app has
   run once). Started with plain `streamlit run app.py`, Streamlit's own index.html is served:
   the project's configuration (.streamlit/config.toml) and the app's CSS apply, but Streamlit's
   chrome stays English and a login does not last (see README, "The app's chrome").

3. A login lasts across reloads and tabs (see dashboard/auth.py). Streamlit's scripts cannot
   set an HttpOnly cookie, so the launcher adds two routes to Streamlit's Starlette app:
   POST /_da06/session exchanges a one-time code (made at login, valid a minute, used once)
   for a session and its signed cookie, then sends the browser to the page it asked for (a
   page of this app only); POST /_da06/logout ends the session and clears the cookie. An
   unexpected error there answers in Vietnamese with a reference (see dashboard/errors.py).
"""
from __future__ import annotations

import atexit
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from streamlit import file_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"
STATIC = Path(__file__).resolve().parent / "static"
TITLE = "Đề án 06"
NOSCRIPT = "<noscript><p>Trang này cần bật JavaScript trong trình duyệt.</p></noscript>"

_streamlit_static_dir = file_util.get_static_dir
_overlay: dict[str, str] = {}


def index_html(original: str, base_url_path: str) -> str:
    """Streamlit's index.html with the server's root given to the front end, lang="vi" and the
    app's title. Raises ValueError when the file no longer looks as expected (a Streamlit
    upgrade): the launcher then serves Streamlit's own file unchanged."""
    base = "/" + base_url_path.strip("/")
    base = base if base == "/" else base + "/"
    script = ("<script>window.__streamlit = Object.assign(window.__streamlit || {}, "
              f"{{BACKEND_BASE_URL: new URL({json.dumps(base)}, window.location.origin).href}});\n"
              f"{chrome_script()}</script>")
    for marker in ('<html lang="en">', "<title>Streamlit</title>", "<script"):
        if marker not in original:
            raise ValueError(f"index.html has no {marker!r}")
    html = original.replace('<html lang="en">', '<html lang="vi">', 1)
    html = html.replace("<title>Streamlit</title>", f"<title>{TITLE}</title>", 1)
    html = re.sub(r"<noscript>.*?</noscript>", NOSCRIPT, html, count=1, flags=re.S)
    # Before Streamlit's own scripts: the front end reads window.__streamlit when it loads.
    i = html.index("<script")
    return html[:i] + script + "\n    " + html[i:]


def chrome_script() -> str:
    """The Vietnamese chrome: the phrase dictionary (window.__DA06_VI) and its translator, as the
    body of an inline script (no request, nothing fetched)."""
    phrases = json.loads((STATIC / "chrome_vi.json").read_text(encoding="utf-8"))
    phrases.pop("_about", None)
    data = json.dumps(phrases, ensure_ascii=False).replace("</", "<\\/")
    code = (STATIC / "chrome_vi.js").read_text(encoding="utf-8")
    if "</script" in code.lower():
        raise ValueError("chrome_vi.js must not contain '</script'")
    return f"window.__DA06_VI = {data};\n{code}"


def static_dir() -> str:
    """The folder the server serves the front end from: a temporary folder holding the adjusted
    index.html and links to every other file of Streamlit's (made once per process, removed at
    exit); Streamlit's own folder if index.html cannot be adjusted."""
    if "dir" not in _overlay:
        from streamlit import config

        src = Path(_streamlit_static_dir())
        try:
            html = index_html((src / "index.html").read_text(encoding="utf-8"),
                              config.get_option("server.baseUrlPath") or "")
        except (OSError, ValueError) as e:
            print(f"dashboard.serve: serving Streamlit's own index.html ({e})", file=sys.stderr)
            _overlay["dir"] = str(src)
            return _overlay["dir"]
        dst = Path(tempfile.mkdtemp(prefix="da06-frontend-"))
        atexit.register(shutil.rmtree, dst, True)
        for entry in src.iterdir():
            if entry.name != "index.html":
                (dst / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
        (dst / "index.html").write_text(html, encoding="utf-8")
        _overlay["dir"] = str(dst)
    return _overlay["dir"]


def _base() -> str:
    from streamlit import config

    base = "/" + (config.get_option("server.baseUrlPath") or "").strip("/")
    return base if base == "/" else base + "/"


async def _form(request) -> dict[str, str]:
    body = (await request.body())[:4096].decode("utf-8", "replace")
    return dict(parse_qsl(body))


def _same_origin(request) -> bool:
    """A form posted by the app's own page (a login made elsewhere must not be planted here)."""
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


async def session_route(request):
    from starlette.responses import PlainTextResponse, RedirectResponse

    from accounts import store
    from dashboard import auth

    if not _same_origin(request):
        return PlainTextResponse("Yêu cầu không hợp lệ.", status_code=403)
    form = await _form(request)
    con = store.connect()
    try:
        name = store.consume_nonce(con, form.get("t", ""))
        if name is None:
            return RedirectResponse(_base() + "login", status_code=303)
        token = store.create_session(con, name, auth.session_minutes())
        value = auth.sign(con, token)
    finally:
        con.close()
    response = RedirectResponse(_base() + auth.safe_next(form.get("next")), status_code=303)
    response.set_cookie(auth.COOKIE, value, max_age=auth.session_max_hours() * 3600, path=_base(), httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")
    return response


async def logout_route(request):
    from starlette.responses import PlainTextResponse, RedirectResponse

    from accounts import store
    from dashboard import auth

    if not _same_origin(request):
        return PlainTextResponse("Yêu cầu không hợp lệ.", status_code=403)
    con = store.connect()
    try:
        token = auth.unsign(con, request.cookies.get(auth.COOKIE))
        name = store.end_session(con, token) if token else None
        if name:
            store.audit(con, name, "logout", name)
    finally:
        con.close()
    response = RedirectResponse(_base() + "login", status_code=303)
    response.delete_cookie(auth.COOKIE, path=_base(), httponly=True, samesite="lax")
    return response


ROUTE_ERROR = ("Đã xảy ra lỗi ngoài dự kiến, chưa đăng nhập hoặc đăng xuất được. Hãy quay lại trang trước và thử "
               "lại; nếu lỗi vẫn còn, hãy báo quản trị viên mã lỗi {ref}.")


def guarded(route):
    """A launcher route that never answers with Starlette's English "Internal Server Error": an
    unexpected error is logged with its traceback under a reference (dashboard.errors) and the
    browser gets a Vietnamese page that gives the reference."""
    async def run(request):
        try:
            return await route(request)
        except Exception as exc:  # noqa: BLE001 — the point: no English error page, the log has it
            from starlette.responses import PlainTextResponse

            from dashboard import errors

            ref = errors.record(exc, f"route {request.url.path}", where=f"{request.method} {request.url.path}")
            return PlainTextResponse(ROUTE_ERROR.format(ref=ref), status_code=500)
    return run


def _with_session_routes(create):
    def routes(runtime):
        from starlette.routing import Route

        base = _base()
        own = [Route(base + "_da06/session", guarded(session_route), methods=["POST"]),
               Route(base + "_da06/logout", guarded(logout_route), methods=["POST"])]
        return own + list(create(runtime))  # before Streamlit's, whose last route serves every path
    return routes


def main(argv: list[str] | None = None) -> int:
    from streamlit.web.server.starlette import starlette_app

    PagesManager.uses_pages_directory = False
    file_util.get_static_dir = static_dir
    starlette_app.create_streamlit_routes = _with_session_routes(starlette_app.create_streamlit_routes)
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
