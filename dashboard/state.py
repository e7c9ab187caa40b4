"""Process-wide Streamlit resources: the one warehouse connection."""
from __future__ import annotations

import streamlit as st

from dashboard.db import Warehouse
from etl.config import warehouse_path


@st.cache_resource
def _warehouse(path: str) -> Warehouse:
    return Warehouse(path)


def warehouse() -> Warehouse:
    """The process's warehouse (keyed by path, so tests with another warehouse get their own)."""
    return _warehouse(str(warehouse_path()))
