"""The domain kernel every capability shares: code lists, money, time, issues, events.

Nothing here does I/O or imports the rest of Clearway.
"""
