"""Clearway: an open-source customs clearance platform."""

__version__ = "0.1.0"
