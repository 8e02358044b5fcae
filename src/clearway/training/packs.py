"""Courses as scenario packs (YAML): what each teaches and how it draws its exercise from a case bank.

A pack names the cases it draws from (``where``: HS chapters, origin against departure), which frauds count
as its scenario (``frauds``: the finding kinds recorded by the control — undervaluation, origin… — and, for
cases whose kind was never recorded, such as the KCS files, a test on declared data), how many declarations an
exercise shows, the share of them that are fraudulent, and the inspection budget. Titles and summaries are
written in every console language in the pack itself.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from clearway.core.issues import DomainError, NotFound
from clearway.training.model import Budget

LANGS = ("en", "es", "pt", "fr")
MAX_CASES = 60


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a draw looks at in a case of the bank (never shown to the trainee as such)."""

    id: str
    hs: str
    origin: str
    departure: str
    fraud: bool
    kind: str | None
    uv_ratio: float | None  # log of unit value against the HS × origin median (None: no median known)


@dataclass(frozen=True, slots=True)
class Filter:
    """A test on declared data: HS chapters, origin other than departure, unit value below the median."""

    hs_chapters: tuple[str, ...] = ()
    origin_differs: bool | None = None
    below_median: float | None = None  # the unit value lies at least this share below the median

    def accepts(self, c: Candidate) -> bool:
        """Tells whether a case passes the test."""
        if self.hs_chapters and c.hs[:2] not in self.hs_chapters:
            return False
        if self.origin_differs is not None and (c.origin != c.departure) != self.origin_differs:
            return False
        if self.below_median is not None:
            limit = math.log1p(-self.below_median) if self.below_median < 1 else -math.inf
            if c.uv_ratio is None or c.uv_ratio > limit:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Course:
    """A scenario pack: its texts, the signals it teaches, and how it draws an exercise."""

    id: str
    version: int
    title: dict[str, str]
    summary: dict[str, str]
    signals: tuple[str, ...]
    size: int
    fraud_share: float
    budget: Budget
    where: Filter
    kinds: tuple[str, ...]
    otherwise: Filter

    def text(self, field: str, lang: str) -> str:
        """Returns the title or summary in a language (English when the pack lacks it)."""
        texts: dict[str, str] = getattr(self, field)
        return texts.get(lang) or texts["en"]

    @property
    def frauds(self) -> int:
        """Returns how many fraudulent declarations an exercise of this course shows."""
        return max(1, min(self.size - 1, round(self.size * self.fraud_share)))

    def eligible_fraud(self, c: Candidate) -> bool:
        """Tells whether a fraudulent case belongs to this scenario (its recorded kind, else declared data)."""
        if not (c.fraud and self.where.accepts(c)):
            return False
        return c.kind in self.kinds if c.kind else self.otherwise.accepts(c)

    def draw(self, candidates: Sequence[Candidate], rng: random.Random) -> list[str]:
        """Draws an exercise's cases (in a shuffled order); refuses clearly when the bank has too few."""
        frauds = [c.id for c in candidates if self.eligible_fraud(c)]
        clean = [c.id for c in candidates if not c.fraud and self.where.accepts(c)]
        need_f, need_c = self.frauds, self.size - self.frauds
        if len(frauds) < need_f or len(clean) < need_c:
            raise DomainError(
                f"this case bank has {len(frauds)} fraudulent and {len(clean)} clean declaration(s) fit for course "
                f"'{self.id}'; an exercise needs {need_f} and {need_c}: import more history or pick another bank",
                code="TRAINING_TOO_FEW_CASES",
            )
        chosen = rng.sample(sorted(frauds), need_f) + rng.sample(sorted(clean), need_c)
        rng.shuffle(chosen)
        return chosen

    def as_dict(self) -> dict[str, Any]:
        """Returns the pack as plain data (what the API shows of a course)."""
        return {
            "id": self.id,
            "version": self.version,
            "title": dict(self.title),
            "summary": dict(self.summary),
            "signals": list(self.signals),
            "size": self.size,
            "frauds": self.frauds,
            "budget": {"red": self.budget.red, "yellow": self.budget.yellow},
        }


def _filter(data: Any, where: str) -> Filter:
    if data is None:
        return Filter()
    if not isinstance(data, dict):
        raise DomainError(f"{where} is a mapping of tests", code="COURSE_INVALID")
    unknown = sorted(set(data) - {"hs_chapters", "origin_differs_from_departure", "unit_value_below_median"})
    if unknown:
        raise DomainError(f"{where} has unknown test(s) {', '.join(unknown)}", code="COURSE_INVALID")
    chapters = tuple(str(c).zfill(2) for c in data.get("hs_chapters") or ())
    if any(not (len(c) == 2 and c.isdigit()) for c in chapters):
        raise DomainError(f"{where}.hs_chapters lists 2-digit HS chapters", code="COURSE_INVALID")
    below = data.get("unit_value_below_median")
    if below is not None and not (isinstance(below, int | float) and 0 <= below < 1):
        raise DomainError(f"{where}.unit_value_below_median is a share in [0, 1)", code="COURSE_INVALID")
    differs = data.get("origin_differs_from_departure")
    if differs is not None and not isinstance(differs, bool):
        raise DomainError(f"{where}.origin_differs_from_departure is true or false", code="COURSE_INVALID")
    return Filter(chapters, differs, None if below is None else float(below))


def _texts(data: Any, name: str, course: str) -> dict[str, str]:
    if not isinstance(data, dict) or not isinstance(data.get("en"), str):
        raise DomainError(f"course '{course}' needs {name} with at least an English text", code="COURSE_INVALID")
    return {lang: str(data[lang]) for lang in LANGS if data.get(lang)}


def from_dict(data: Any) -> Course:
    """Builds a course from plain data, saying what is wrong when it is incomplete or impossible."""
    if not isinstance(data, dict) or not data.get("id"):
        raise DomainError("a course is a YAML mapping with an id, texts and a draw", code="COURSE_INVALID")
    cid = str(data["id"])
    draw = data.get("draw")
    if not isinstance(draw, dict):
        raise DomainError(f"course '{cid}' needs a draw (cases, fraud_share, budget)", code="COURSE_INVALID")
    size, share, budget = draw.get("cases"), draw.get("fraud_share"), draw.get("budget") or {}
    if not isinstance(size, int) or not 2 <= size <= MAX_CASES:
        raise DomainError(f"course '{cid}': draw.cases is a whole number from 2 to {MAX_CASES}", code="COURSE_INVALID")
    if not isinstance(share, int | float) or not 0 < share < 1:
        raise DomainError(f"course '{cid}': draw.fraud_share lies strictly between 0 and 1", code="COURSE_INVALID")
    red, yellow = budget.get("red", 0), budget.get("yellow", 0)
    if not (isinstance(red, int) and isinstance(yellow, int)) or red < 0 or yellow < 0 or red + yellow < 1:
        raise DomainError(f"course '{cid}': the budget allows at least one control", code="COURSE_INVALID")
    if red + yellow >= size:
        raise DomainError(
            f"course '{cid}': the budget must not let the trainee control every declaration", code="COURSE_INVALID"
        )
    frauds = data.get("frauds") or {}
    return Course(
        id=cid,
        version=int(data.get("version") or 1),
        title=_texts(data.get("title"), "a title", cid),
        summary=_texts(data.get("summary"), "a summary", cid),
        signals=tuple(str(s) for s in data.get("signals") or ()),
        size=size,
        fraud_share=float(share),
        budget=Budget(red=red, yellow=yellow),
        where=_filter(draw.get("where"), f"course '{cid}' draw.where"),
        kinds=tuple(str(k) for k in frauds.get("kinds") or ()),
        otherwise=_filter(frauds.get("otherwise"), f"course '{cid}' frauds.otherwise"),
    )


def _parse(text: str, origin: str) -> Course:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DomainError(f"{origin} is not valid YAML: {exc}", code="COURSE_INVALID") from None
    return from_dict(data)


def shipped() -> list[Course]:
    """Returns the courses shipped with Clearway, by id."""
    return list(_shipped())


@lru_cache(maxsize=1)
def _shipped() -> tuple[Course, ...]:
    # The shipped files change only with a new release: parsed once per process.
    root = resources.files("clearway.training") / "packs"
    found = [_parse(p.read_text("utf-8"), p.name) for p in root.iterdir() if p.name.endswith(".yaml")]
    return tuple(sorted(found, key=lambda c: c.id))


def load_file(path: Path) -> Course:
    """Reads a course from a YAML file (an administration's own pack)."""
    if not path.is_file() or path.stat().st_size > 64_000:
        raise DomainError(f"{path} is not a course file (a YAML file of at most 64 kB)", code="COURSE_NOT_FOUND")
    return _parse(path.read_text("utf-8"), path.name)


def get(course_id: str) -> Course:
    """Returns a shipped course by id."""
    for c in shipped():
        if c.id == course_id:
            return c
    known = ", ".join(c.id for c in shipped())
    raise NotFound(f"no course '{course_id[:40]}'; the courses are {known}", code="COURSE_NOT_FOUND")
