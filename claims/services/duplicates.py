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
from datetime import timedelta
from decimal import Decimal
from difflib import SequenceMatcher

from django.db import DEFAULT_DB_ALIAS

from claims import conf
from claims.models import Claim
from claims.selectors import duplicate_candidates_between
from config.statements import Prepared

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


# The candidates' read, compiled once per connection (config.statements) for each number of
# candidates and whether a claim is left out (a new claim has no key yet).
_CANDIDATES: dict[tuple[int, bool], Prepared] = {}


def _candidates_statement(limit: int, excluding: bool) -> Prepared:
    statement = _CANDIDATES.get((limit, excluding))
    if statement is None:
        statement = _CANDIDATES[(limit, excluding)] = Prepared(lambda p: (
            duplicate_candidates_between(
                policy=p.int("policy"), first=p.date("first"), last=p.date("last"),
                exclude_pk=p.int("exclude_pk") if excluding else None,
            ).order_by("-reported_at", "-pk").values_list(*CANDIDATE_FIELDS)[:limit]))
    return statement


def recent_candidate_rows(*, claim: Claim) -> list[tuple]:
    """The policy's claims with a loss date within the window, most recently reported first, at
    most ``duplicate_max_candidates`` of them, as ``CANDIDATE_FIELDS`` tuples."""
    window = timedelta(days=conf.duplicate_window_days())
    values = {"policy": claim.policy_id, "first": claim.loss_date - window,
              "last": claim.loss_date + window}
    if claim.pk is not None:
        values["exclude_pk"] = claim.pk
    limit = conf.duplicate_max_candidates()
    if limit <= 0:
        return []
    return _candidates_statement(limit, claim.pk is not None).all(**values)


def _claim(row: tuple) -> Claim:
    return Claim.from_db(DEFAULT_DB_ALIAS, CANDIDATE_FIELDS, row)


def most_similar(text: str, others: list[str], threshold: float) -> tuple[int, float] | None:
    """The position in ``others`` of the text most similar to ``text`` (difflib ratio, all
    normalised) and its similarity, if it reaches ``threshold``; of equally similar ones the
    last. None if none reaches it.

    The texts are compared in the order of an upper bound of their similarity (difflib's
    ``quick_ratio``: the letters they share, counted once for ``text``), and the comparisons stop
    as soon as no bound left can reach the best similarity found, so an identical text (a report
    sent twice) is usually the only full comparison."""
    letters = Counter(text)
    # A text reported several times is bounded and compared once, at its last position (the
    # one an equal score would pick).
    last_positions = {other: position for position, other in enumerate(others)}
    bounded = []  # (bound, position, text) of those whose bound reaches the threshold
    for other, position in last_positions.items():
        length = len(text) + len(other)
        # real_quick_ratio >= quick_ratio >= ratio
        if _ratio(min(len(text), len(other)), length) < threshold:
            continue
        bound = _ratio(sum((letters & Counter(other)).values()), length)
        if bound >= threshold:
            bounded.append((bound, position, other))
    bounded.sort(key=lambda item: item[0], reverse=True)
    best, best_score = -1, 0.0
    scores: dict[str, float] = {}  # the same text is compared once
    for bound, position, other in bounded:
        if bound < best_score:
            break  # no text left can reach the best so far
        score = scores.get(other)
        if score is None:  # the same text (a report sent twice) is 1.0 without comparing
            score = scores[other] = (1.0 if other == text else SequenceMatcher(
                None, text, other, autojunk=False).ratio())
        if (score, position) > (best_score, best):
            best, best_score = position, score
    if best < 0 or best_score < threshold:
        return None
    return best, best_score


def find_possible_duplicate(*, claim: Claim) -> tuple[Claim | None, Decimal | None]:
    """The most similar recent claim above the threshold, with its similarity; of equally
    similar ones the earliest reported."""
    rows = recent_candidate_rows(claim=claim)  # most recently reported first
    found = most_similar(_normalised(claim.description),
                         [_normalised(row[_DESCRIPTION]) for row in rows],
                         conf.duplicate_min_similarity())
    if found is None:
        return None, None
    position, score = found
    return _claim(rows[position]), Decimal(str(round(score, 3)))
