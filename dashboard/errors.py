"""No user ever sees a traceback: an unexpected error becomes a Vietnamese message that says
what to do and gives a reference, and the server log holds the traceback under that reference.

    errors.install()      once per process (app.py): widget callbacks get the same treatment
    errors.run(main)      app.py's run: the page and the shared frame (sidebar, filters)

A reference looks like LOI-20261205-014233-3FA9C2 (date, time, six random hex digits): the
administrator searches the server log for it (`grep LOI-20261205-014233-3FA9C2 <log>`), where
the line "da06 error LOI-…" is followed by the traceback, the page's address and the user.

Streamlit's own safety net stays on underneath (.streamlit/config.toml: showErrorDetails =
"none"): an error this module cannot catch shows Streamlit's generic message, never details.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
import sys

import streamlit as st

LOG = logging.getLogger("da06.errors")
PENDING_KEY = "_da06_callback_errors"

PAGE_MESSAGE = ("Đã xảy ra lỗi ngoài dự kiến, trang chưa hiển thị đầy đủ. Hãy tải lại trang (phím F5) hoặc thử lại "
                "sau ít phút. Nếu lỗi vẫn còn, hãy báo quản trị viên mã lỗi **{ref}** "
                "(quản trị viên tra mã này trong nhật ký máy chủ).")
ACTION_MESSAGE = ("Thao tác vừa rồi chưa thực hiện được do lỗi ngoài dự kiến. Hãy thử lại; nếu lỗi vẫn còn, hãy báo "
                  "quản trị viên mã lỗi **{ref}** (quản trị viên tra mã này trong nhật ký máy chủ).")


def _logger() -> logging.Logger:
    """The error log: the server's standard error (where Streamlit logs too), one handler."""
    if not LOG.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False
    return LOG


def new_reference(now: dt.datetime | None = None) -> str:
    """LOI-YYYYMMDD-HHMMSS-XXXXXX: unique enough to find one error in a log, says when it was."""
    now = now or dt.datetime.now()
    return f"LOI-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3).upper()}"


def _where() -> str:
    """The page address and the user of this run, for the log (never fails)."""
    parts = []
    try:
        parts.append(f"url {st.context.url}")
    except Exception:  # noqa: BLE001 — describing the error must not raise another
        pass
    try:
        from dashboard import auth

        user = auth.current_user()
        parts.append(f"user {user.username if user else '-'}")
    except Exception:  # noqa: BLE001
        pass
    return ", ".join(parts)


def record(exc: BaseException, what: str, where: str | None = None) -> str:
    """Log exc with its traceback under a new reference, and return the reference. where: the
    address and user (default: this Streamlit run's)."""
    ref = new_reference()
    _logger().error("da06 error %s in %s (%s): %s: %s", ref, what, _where() if where is None else where,
                    type(exc).__name__, exc, exc_info=exc)
    return ref


def show(ref: str, message: str = PAGE_MESSAGE) -> None:
    st.error(message.format(ref=ref), icon=":material/error:")


def run(fn, what: str = "page"):
    """Run fn (app.py's main) so that an unexpected error shows the Vietnamese message with a
    reference instead of Streamlit's exception box. st.stop() and st.rerun() pass through
    (Streamlit's control flow: BaseException, not Exception). Errors of this session's widget
    callbacks, caught before the run began (see install), are shown first."""
    for ref in st.session_state.pop(PENDING_KEY, []):
        show(ref, ACTION_MESSAGE)
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 — the point: nothing reaches the browser as a traceback
        show(record(exc, what))
        return None


def install() -> None:
    """Catch errors of widget callbacks (on_change, on_click) too. Streamlit calls them before
    the script runs, outside app.py, and would show its own error box and stop the run; here a
    failing callback is logged with a reference, the run goes on and the page shows the message
    (run() above). Wraps Streamlit's WStates.call_callback once per process; if a Streamlit
    upgrade renames it, nothing is wrapped and Streamlit's generic message remains (no details)."""
    try:
        from streamlit.runtime.state.session_state import WStates
    except ImportError:
        return
    original = getattr(WStates, "call_callback", None)
    if original is None or getattr(original, "_da06_guarded", False):
        return

    def call_callback(self, widget_id: str) -> None:
        try:
            return original(self, widget_id)
        except Exception as exc:  # noqa: BLE001
            ref = record(exc, f"callback of widget {widget_id}")
            try:
                st.session_state.setdefault(PENDING_KEY, []).append(ref)
            except Exception:  # noqa: BLE001 — no session state: the log has it
                pass
            return None

    call_callback._da06_guarded = True
    WStates.call_callback = call_callback
