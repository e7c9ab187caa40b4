"""The Streamlit dashboard's data layer: one warehouse connection and named queries."""
