"""The report as PDF, where a real engine can make it: LibreOffice headless (Debian's
libreoffice-writer-nogui; -calc-nogui for the appendix workbook) converts the .docx exactly as
it lays it out. Where LibreOffice is not installed, `available()` is False and the page offers
no PDF. Each conversion runs LibreOffice in its own process, with a Vietnamese locale and a time
limit, on this process's own LibreOffice profile (made on the first conversion, reused after:
1,5 s a conversion instead of 2,5 s; removed at exit), one conversion at a time (two sharing a
profile would refuse each other). Times New Roman is not in Debian: LibreOffice sets the text in its metric twin Liberation
Serif, whose Vietnamese letters come with fonts-liberation2 (the older fonts-liberation lacks
them and LibreOffice then borrows DejaVu Serif's, letter by letter)."""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

TIMEOUT_S = 120
_LOCK = threading.Lock()
_PROFILE: Path | None = None


def _profile() -> Path:
    global _PROFILE
    if _PROFILE is None:
        _PROFILE = Path(tempfile.mkdtemp(prefix="da06-libreoffice-"))
        atexit.register(shutil.rmtree, _PROFILE, True)
    return _PROFILE


class PdfFailed(Exception):
    """LibreOffice could not convert the file (the message says why, in Vietnamese)."""


def converter() -> str | None:
    """The LibreOffice program on the PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return converter() is not None


def to_pdf(data: bytes, suffix: str = ".docx", timeout: float = TIMEOUT_S) -> bytes:
    """The PDF of a .docx (or .xlsx) given as bytes."""
    program = converter()
    if program is None:
        raise PdfFailed("Máy chủ chưa cài LibreOffice nên không tạo được bản PDF; hãy tải bản .docx.")
    with tempfile.TemporaryDirectory(prefix="da06-pdf-") as tmp, _LOCK:
        src = Path(tmp) / f"BaoCao{suffix}"
        src.write_bytes(data)
        cmd = [program, f"-env:UserInstallation={_profile().as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", tmp, str(src)]
        try:
            # a Vietnamese locale: the appendix's number formats show 11.343 and 33,9%
            env = {**os.environ, "LC_ALL": "vi_VN.UTF-8", "LANG": "vi_VN.UTF-8"}
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise PdfFailed(f"LibreOffice không chuyển xong bản PDF sau {timeout:.0f} giây; hãy tải bản .docx.") from None
        pdf = src.with_suffix(".pdf")
        if out.returncode != 0 or not pdf.exists():
            raise PdfFailed("LibreOffice không chuyển được báo cáo sang PDF; hãy tải bản .docx. "
                            f"({(out.stderr or out.stdout).strip()[:200]})")
        return pdf.read_bytes()
