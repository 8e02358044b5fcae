"""Declarations: lodge, validate, decide, release — the clearance core."""
