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
    """The most similar earlier claim above the threshold, with its similarity.

    Reads only the candidates' ids and descriptions, and skips a candidate whose cheap upper
    bounds (difflib's ``real_quick_ratio`` and ``quick_ratio``) cannot beat the best so far or
    the threshold, so a busy policy does not make each report slower."""
    threshold = conf.duplicate_min_similarity()
    mine = _normalised(claim.description)
    best_pk, best_score = None, 0.0
    candidates = duplicate_candidates(
        policy=claim.policy, loss_date=claim.loss_date, window_days=conf.duplicate_window_days(),
        exclude_pk=claim.pk,
    ).values_list("pk", "description")
    for pk, description in candidates:
        matcher = SequenceMatcher(None, mine, _normalised(description), autojunk=False)
        floor = max(best_score, threshold - 1e-9) if best_pk is not None else threshold - 1e-9
        if matcher.real_quick_ratio() <= floor or matcher.quick_ratio() <= floor:
            continue
        score = matcher.ratio()
        if score > best_score:
            best_pk, best_score = pk, score
    if best_pk is None or best_score < threshold:
        return None, None
    return Claim.objects.get(pk=best_pk), Decimal(str(round(best_score, 3)))
