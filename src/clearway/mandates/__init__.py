"""Mandates: who may act for whom, from when to when, for which customs procedures."""
