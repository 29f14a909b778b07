"""Reporting against the alliance's targets: indicators computed from the data (never typed in), the staff
dashboard with its charts and exports, the public impact page and /api/v1/kpis (strategic plan: targets and
monitoring; policy 7.1: balanced engagement of the member universities)."""
