"""HTTP routes of the single window under /api/v1/single-window, one module per resource.

``agencies`` (agencies, automated decisions on approval), ``requirements`` (requirement versions, files,
retirement on approval), ``applications`` (applications, decisions, a declaration's window), ``permits``
(permits and drawdowns), ``time_report`` (the Time Release Study); ``views`` holds what they share (errors,
the API views of the domain objects). Importing this package registers the four-eyes changes its routes ask for
(``platform.approvals``).
"""

from __future__ import annotations

from clearway.single_window.api import agencies, applications, permits, requirements, time_report

routers = (agencies.router, requirements.router, applications.router, permits.router, time_report.router)
