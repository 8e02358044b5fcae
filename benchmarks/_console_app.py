"""ASGI app of the clearance core and the console only, on the database in CLEARWAY_DATA_DIR (benchmarks)."""

from clearway.console.testing import core_app, core_runtime
from clearway.platform.settings import Settings

app = core_app(core_runtime(Settings()))
