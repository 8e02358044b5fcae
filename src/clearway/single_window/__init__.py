"""Single window: agencies, requirements, permits, parallel decisions (issue 5)."""
