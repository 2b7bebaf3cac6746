"""Possible duplicates: a claim on the same policy, with a loss date a few days apart and a
similar description. Flagged for the adjuster, never merged.

Only the policy's most recent candidates are compared (``duplicate_max_candidates``, found through
the ``(policy, loss_date)`` index, read as plain values), and cheap upper bounds of the similarity
(difflib's ``real_quick_ratio`` and ``quick_ratio``, computed here from the letter counts of the
new text once instead of once per candidate) skip most of the full comparisons, so a report costs
the same on a policy with thousands of claims as on a new one.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from difflib import SequenceMatcher

from django.db import DEFAULT_DB_ALIAS

from claims import conf
from claims.models import Claim
from claims.selectors import duplicate_candidates

_SPACE = re.compile(r"\s+")
# What the duplicate flag needs of a candidate (and what the audit row names), in the model's
# field order (``Model.from_db`` takes the values in that order).
CANDIDATE_FIELDS = tuple(field.attname for field in Claim._meta.concrete_fields
                         if field.attname in {"id", "number", "state", "description"})
_DESCRIPTION = CANDIDATE_FIELDS.index("description")


def _normalised(text: str) -> str:
    return _SPACE.sub(" ", text.lower()).strip()[:2000]


def description_similarity(first: str, second: str) -> float:
    """0..1: how alike two descriptions are (difflib ratio on normalised text)."""
    return SequenceMatcher(None, _normalised(first), _normalised(second), autojunk=False).ratio()


def _ratio(matches: int, length: int) -> float:
    return 2.0 * matches / length if length else 1.0  # as difflib's ratios


def recent_candidate_rows(*, claim: Claim) -> list[tuple]:
    """The policy's claims with a loss date within the window, most recently reported first, at
    most ``duplicate_max_candidates`` of them, as ``CANDIDATE_FIELDS`` tuples."""
    return list(
        duplicate_candidates(
            policy=claim.policy_id, loss_date=claim.loss_date,
            window_days=conf.duplicate_window_days(), exclude_pk=claim.pk,
        )
        .order_by("-reported_at", "-pk")
        .values_list(*CANDIDATE_FIELDS)
        [: conf.duplicate_max_candidates()]
    )


def _claim(row: tuple) -> Claim:
    return Claim.from_db(DEFAULT_DB_ALIAS, CANDIDATE_FIELDS, row)


def find_possible_duplicate(*, claim: Claim) -> tuple[Claim | None, Decimal | None]:
    """The most similar recent claim above the threshold, with its similarity."""
    threshold = conf.duplicate_min_similarity()
    text = _normalised(claim.description)
    letters = Counter(text)
    best, best_score = None, 0.0
    scores: dict[str, float] = {}  # the same text (a report sent twice) is compared once
    for row in recent_candidate_rows(claim=claim):
        other = _normalised(row[_DESCRIPTION])
        floor = max(threshold, best_score)
        score = scores.get(other)
        if score is None:
            length = len(text) + len(other)
            # real_quick_ratio >= quick_ratio >= ratio: skip what cannot reach the best so far
            if _ratio(min(len(text), len(other)), length) < floor:
                continue
            if _ratio(sum((letters & Counter(other)).values()), length) < floor:
                continue
            score = scores[other] = SequenceMatcher(None, text, other, autojunk=False).ratio()
        elif score < floor:
            continue
        if score >= best_score:  # on a tie the earlier report wins, as before
            best, best_score = row, score
    if best is None or best_score < threshold:
        return None, None
    return _claim(best), Decimal(str(round(best_score, 3)))
