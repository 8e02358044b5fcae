"""The risk engine as a platform capability."""

from __future__ import annotations

from clearway.platform.capability import Capability
from clearway.risk import cli

capability = Capability(name="clearway.risk", cli=cli.app, cli_name="risk")
