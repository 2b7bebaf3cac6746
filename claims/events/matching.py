"""Does a claim look like part of an event? Pure functions, no database: the services feed them
the claim's facts and store what they say."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from claims.models import FINAL_STATES


@dataclass(frozen=True)
class EventFacts:
    """What identifies an event, as the matcher needs it."""

    window: tuple[date, date]
    terms: tuple[str, ...]
    named: tuple[str, ...]
    loss_type_ids: frozenset[int]
    loss_type_names: dict[int, str]


@dataclass(frozen=True)
class ClaimFacts:
    loss_date: date
    state: str
    loss_type_id: int
    texts: tuple[str, ...]  # description, answers to information requests
    dependencies: tuple[str, ...] = ()  # the policy's IT providers and software


@lru_cache(maxsize=512)
def _pattern(term: str) -> re.Pattern:
    """``term`` as a whole word or phrase, case-insensitive ("Citrix" is not in "Citrixx")."""
    return re.compile(rf"(?<!\w){re.escape(term.strip())}(?!\w)", re.IGNORECASE)


def mentions(text: str, term: str) -> bool:
    return bool(term.strip()) and bool(_pattern(term).search(text))


def match_reasons(*, event: EventFacts, claim: ClaimFacts) -> list[str]:
    """Why the claim is probably part of the event; empty if it is not.

    A claim matches when it is new or open, its loss date lies in the event's window, and its
    loss type is one of the event's or its description or answers name what identifies the event.
    That the policy depends on a named provider or software is given as a further reason, never as
    the only one.
    """
    first, last = event.window
    if claim.state in FINAL_STATES or not first <= claim.loss_date <= last:
        return []
    reasons = []
    if claim.loss_type_id in event.loss_type_ids:
        reasons.append(f"loss type: {event.loss_type_names.get(claim.loss_type_id, '')}")
    text = "\n".join(claim.texts)
    reasons.extend(f"mentions {term!r}" for term in event.terms if mentions(text, term))
    if not reasons:
        return []
    named = {name.strip().lower() for name in event.named}
    reasons.extend(f"the policy depends on {name!r}" for name in claim.dependencies
                   if name.strip().lower() in named)
    return reasons
