"""Risk engine: selectivity rules, learned models, lanes, feedback (issue 4)."""
