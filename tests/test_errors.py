"""dashboard.errors: an unexpected error becomes a Vietnamese message with a reference, and the
traceback goes to the log under that reference — for a page's run and for a widget's callback
(Streamlit calls callbacks before the script runs, outside app.py's guard). Real Streamlit runs
(AppTest) of a small script whose callback and page really fail."""
from __future__ import annotations

import logging
import re

from streamlit.testing.v1 import AppTest

from dashboard import errors

REFERENCE = re.compile(r"LOI-\d{8}-\d{6}-[0-9A-F]{6}")

SCRIPT = '''
import streamlit as st
from dashboard import errors

errors.install()


def divide():
    st.session_state["ratio"] = 1 / st.session_state.get("zero", 0)


def main():
    st.title("Trang thử")
    st.button("Chia", key="divide", on_click=divide)
    if st.session_state.get("fail_page"):
        {}["missing"]
    st.write("Cuối trang")


errors.run(main)
'''


class _Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def _app(tmp_path):
    path = tmp_path / "app_errors.py"
    path.write_text(SCRIPT, encoding="utf-8")
    return AppTest.from_file(str(path), default_timeout=30)


def _logged(handler) -> list[str]:
    return [r.getMessage() + "\n" + logging.Formatter().formatException(r.exc_info) for r in handler.records if r.exc_info]


def test_a_failing_callback_shows_the_message_and_the_page_goes_on(tmp_path):
    handler = _Records()
    errors._logger().addHandler(handler)
    try:
        at = _app(tmp_path).run()
        assert not at.exception and not at.error
        at.button(key="divide").click().run()
        assert not at.exception
        assert len(at.error) == 1
        message = at.error[0].value
        assert message.startswith("Thao tác vừa rồi chưa thực hiện được") and "báo quản trị viên" in message
        ref = REFERENCE.search(message).group(0)
        assert [m for m in _logged(handler) if ref in m and "ZeroDivisionError" in m and "Traceback" in m]
        assert "Cuối trang" in [m.value for m in at.markdown]  # the rest of the page is drawn
        at.run()
        assert not at.error  # shown once
    finally:
        errors._logger().removeHandler(handler)


def test_a_failing_page_shows_the_message_not_the_exception(tmp_path):
    handler = _Records()
    errors._logger().addHandler(handler)
    try:
        at = _app(tmp_path)
        at.session_state["fail_page"] = True
        at.run()
        assert not at.exception
        message = at.error[0].value
        assert message.startswith("Đã xảy ra lỗi ngoài dự kiến") and "F5" in message
        ref = REFERENCE.search(message).group(0)
        assert [m for m in _logged(handler) if ref in m and "KeyError" in m]
        assert "KeyError" not in message and "missing" not in message
    finally:
        errors._logger().removeHandler(handler)


def test_references_are_unique_and_say_when():
    import datetime as dt

    refs = {errors.new_reference(dt.datetime(2026, 12, 5, 1, 42, 33)) for _ in range(200)}
    assert len(refs) == 200
    assert all(r.startswith("LOI-20261205-014233-") and REFERENCE.fullmatch(r) for r in refs)


def test_a_launcher_route_that_fails_answers_in_vietnamese_with_a_reference(tmp_path, monkeypatch):
    """The accounts store cannot be opened (its path is a folder): the session route fails for
    real; the browser gets a Vietnamese page with the reference, the log has the traceback."""
    import asyncio
    import concurrent.futures

    from starlette.requests import Request

    from dashboard import serve

    monkeypatch.setenv("DA06_ACCOUNTS", str(tmp_path))  # a folder, not a database file
    body = b"t=abc&next=upload"

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "path": "/_da06/session", "raw_path": b"/_da06/session",
             "query_string": b"", "headers": [(b"host", b"127.0.0.1:8501")], "scheme": "http",
             "server": ("127.0.0.1", 8501), "client": ("127.0.0.1", 5000), "root_path": ""}
    handler = _Records()
    errors._logger().addHandler(handler)
    try:
        # A thread of its own: a browser test earlier in the run may leave an event loop running
        # in this one (Playwright's sync API), and asyncio.run refuses to nest.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            response = pool.submit(asyncio.run, serve.guarded(serve.session_route)(Request(scope, receive))).result()
    finally:
        errors._logger().removeHandler(handler)
    text = response.body.decode("utf-8")
    assert response.status_code == 500 and text.startswith("Đã xảy ra lỗi ngoài dự kiến")
    assert "Internal Server Error" not in text and "Traceback" not in text
    ref = REFERENCE.search(text).group(0)
    assert [m for m in _logged(handler) if ref in m and "Traceback" in m and "/_da06/session" in m]
