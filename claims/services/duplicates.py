"""Possible duplicates: a claim on the same policy, with a loss date a few days apart and a
similar description. Flagged for the adjuster, never merged.

Only the policy's most recent candidates are compared (``duplicate_max_candidates``, found through
the ``(policy, loss_date)`` index), and cheap upper bounds of the similarity skip most of the
full comparisons, so a report costs the same on a policy with thousands of claims as on a new one.
"""

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


def recent_candidates(*, claim: Claim) -> list[Claim]:
    """The policy's claims with a loss date within the window, most recently reported first, at
    most ``duplicate_max_candidates`` of them."""
    return list(
        duplicate_candidates(
            policy=claim.policy, loss_date=claim.loss_date,
            window_days=conf.duplicate_window_days(), exclude_pk=claim.pk,
        )
        .order_by("-reported_at", "-pk")
        .only("pk", "number", "state", "description", "reported_at")
        [: conf.duplicate_max_candidates()]
    )


def find_possible_duplicate(*, claim: Claim) -> tuple[Claim | None, Decimal | None]:
    """The most similar recent claim above the threshold, with its similarity."""
    threshold = conf.duplicate_min_similarity()
    text = _normalised(claim.description)
    best, best_score = None, 0.0
    for candidate in recent_candidates(claim=claim):
        matcher = SequenceMatcher(None, text, _normalised(candidate.description), autojunk=False)
        floor = max(threshold, best_score)
        # real_quick_ratio >= quick_ratio >= ratio: skip what cannot reach the best so far
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        score = matcher.ratio()
        if score >= best_score:  # on a tie the earlier report wins, as before
            best, best_score = candidate, score
    if best is None or best_score < threshold:
        return None, None
    return best, Decimal(str(round(best_score, 3)))
