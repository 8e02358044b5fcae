"""Console: the web pages officers, traders and agencies work in; dashboards (issue 8)."""
