"""ETL for the Đề án 06 warehouse: workbook -> read -> validate -> load -> tables."""
