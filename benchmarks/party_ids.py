"""Party ids in the repository whose check digit is wrong: every tracked text file scanned, per scheme.

Finds ids with a country prefix whose scheme has a check digit (PE RUC, BR CNPJ/CPF, MX RFC, CL RUT, CO NIT),
the way lodging reads them (``clearway.core.ids.party_id_check_digits_ok``), and lists the wrong ones with the
files that hold them; another checkout can be scanned by naming its root (git must be installed):

    python benchmarks/party_ids.py [ROOT]
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from clearway.core.ids import party_id_check_digits_ok, party_id_scheme

ROOT = Path(__file__).resolve().parents[1]
# a country prefix and the national part of each scheme with a check digit, not inside a longer token (but
# after an escaped newline or tab in source code: "PE20999999990\nPE20888888889")
IDS = re.compile(
    r"(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))(?:PE\d{11}|BR\d{14}|BR\d{11}|MX[A-Z&]{3,4}\d{6}[A-Z0-9]{3}|CL\d{7,8}[0-9K]|CO\d{8,10})"
    r"(?![A-Za-z0-9])"
)


def scan(root: Path = ROOT) -> dict[str, set[str]]:
    """Returns each prefixed id found in the tracked text files of a checkout, with the files it is in."""
    files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    found: dict[str, set[str]] = defaultdict(set)
    for name in files:
        try:
            text = (root / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary (screenshots, PDFs) or gone
        for m in IDS.finditer(text):
            found[m.group(0)].add(name)
    return found


def main() -> None:
    """Prints the counts per scheme and every wrong id with its files."""
    found = scan(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: list[tuple[str, set[str]]] = []
    for value, files in sorted(found.items()):
        ok = party_id_check_digits_ok(value)
        scheme = party_id_scheme(value) or "?"
        per[scheme][0 if ok else 1] += 1
        if ok is False:
            wrong.append((value, files))
    print("scheme  distinct ids  right  wrong")
    for scheme, (right, bad) in sorted(per.items()):
        print(f"{scheme:6}  {right + bad:12}  {right:5}  {bad:5}")
    for value, files in wrong:
        print(f"wrong: {value} in {len(files)} file(s): {', '.join(sorted(files))}")


if __name__ == "__main__":
    main()
