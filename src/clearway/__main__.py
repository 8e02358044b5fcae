"""Runs the Clearway command line: ``python -m clearway``."""

from clearway.cli import main

main()
