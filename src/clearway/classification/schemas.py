"""API models of HS suggestions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from clearway.classification.model import Suggestion


class SuggestIn(BaseModel):
    """What the goods are, in words (English, Spanish, Portuguese or French)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    description: str = Field(min_length=1, max_length=500, examples=["Camiseta de algodón para hombre"])
    category: str | None = Field(default=None, max_length=300, examples=["Clothing >> Men's Clothing >> T-Shirts"])


class PathStep(BaseModel):
    """One level of the nomenclature: chapter, heading or subheading."""

    code: str
    description: str


class CandidateOut(BaseModel):
    """A suggested subheading with its reason."""

    rank: int
    hs6: str
    score: float
    path: list[PathStep]
    matched: list[str]
    signals: list[str]
    reason: str


class SuggestOut(BaseModel):
    """The top five subheadings; ``abstain`` with a ``question`` when they are too close to choose."""

    candidates: list[CandidateOut]
    abstain: bool
    question: str | None

    @classmethod
    def of(cls, s: Suggestion) -> SuggestOut:
        """Builds the answer."""
        return cls(
            candidates=[
                CandidateOut(
                    rank=i,
                    hs6=c.hs6,
                    score=c.score,
                    path=[PathStep(code=a, description=b) for a, b in c.path],
                    matched=c.matched,
                    signals=c.signals,
                    reason=c.reason,
                )
                for i, c in enumerate(s.candidates, start=1)
            ],
            abstain=s.abstain,
            question=s.question,
        )
