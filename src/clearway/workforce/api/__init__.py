"""HTTP routes of the workforce capability under /api/v1/workforce, one module per resource.

``courses`` (the catalogue and the competencies work requires), ``records`` (education records, certificates,
an officer's competencies), ``assignments`` (assigning officers to controls), ``staff`` (staff records and the
GEOAT indicators); ``views`` holds what they share (roles, errors, the API views of the domain objects).
"""

from __future__ import annotations

from clearway.workforce.api import assignments, courses, records, staff

routers = (courses.router, records.router, assignments.router, staff.router)
