"""ASGI entrypoint for several worker processes: ``uvicorn clearway.asgi:app``."""

from clearway import bootstrap
from clearway.platform.cli_support import open_runtime, set_runtime_factory_result

set_runtime_factory_result(bootstrap.build_runtime())
app = bootstrap.build_app(open_runtime())
