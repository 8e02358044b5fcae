"""Tariff: customs value, duties and taxes, payments (issue 3)."""
