"""Start the app: `python -m dashboard.serve [streamlit options]` is `streamlit run app.py` with
app.py's st.navigation in charge of routing from the very first request.

Streamlit still treats an app whose entry script has a sibling folder named `pages/` as a
legacy (v1) multipage app until st.navigation has run once in the process: a first request
for a sub-page link (/identity?period=2023-09) would run pages/identity.py without app.py,
with a menu of file names. The folder keeps the name the project's layout gives it; this
launcher switches the legacy mode off before the server starts, exactly as Streamlit itself
does when st.navigation is called.
"""
from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
