"""The Streamlit dashboard: the warehouse connection (db), the queries by subject (queries/), and the
pages' building blocks (ui, charts, tables, export, filters, auth)."""
