"""Interchange: WCO Data Model XML in and out (issue 3)."""
