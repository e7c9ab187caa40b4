"""Process-wide Streamlit resources: the one warehouse connection."""
from __future__ import annotations

import streamlit as st

from dashboard.db import Warehouse


@st.cache_resource
def warehouse() -> Warehouse:
    return Warehouse()
