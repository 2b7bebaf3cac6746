"""Possible duplicates: a claim on the same policy, with a loss date a few days apart and a
similar description. Flagged for the adjuster, never merged."""

from __future__ import annotations

import re
from decimal import Decimal
from difflib import SequenceMatcher

from claims import conf
from claims.models import Claim
from claims.selectors import duplicate_candidates

_SPACE = re.compile(r"\s+")


def _normalised(text: str) -> str:
    return _SPACE.sub(" ", text.lower()).strip()[:2000]


def description_similarity(first: str, second: str) -> float:
    """0..1: how alike two descriptions are (difflib ratio on normalised text)."""
    return SequenceMatcher(None, _normalised(first), _normalised(second), autojunk=False).ratio()


def find_possible_duplicate(*, claim: Claim) -> tuple[Claim | None, Decimal | None]:
    """The most similar earlier claim above the threshold, with its similarity."""
    best, best_score = None, 0.0
    for candidate in duplicate_candidates(
        policy=claim.policy, loss_date=claim.loss_date, window_days=conf.duplicate_window_days(),
        exclude_pk=claim.pk,
    ):
        score = description_similarity(claim.description, candidate.description)
        if score > best_score:
            best, best_score = candidate, score
    if best is None or best_score < conf.duplicate_min_similarity():
        return None, None
    return best, Decimal(str(round(best_score, 3)))
