"""The online path (capability, service, API) does not import the training stacks until a model is promoted."""

from __future__ import annotations

import json
import subprocess
import sys


def test_loading_the_capability_imports_no_training_stack() -> None:
    code = (
        "import json, sys, clearway.risk.capability; "
        "print(json.dumps([m for m in ('pandas', 'numpy', 'sklearn', 'lightgbm', 'duckdb', 'matplotlib', 'pyspark') "
        "if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
