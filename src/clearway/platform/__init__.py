"""Platform: settings, database and unit of work, migrations, auth, bus, app factory, logging, metrics.

The platform knows no capability; capabilities plug into it (see ``capability.py``).
"""
