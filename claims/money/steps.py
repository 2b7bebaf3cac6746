"""The settlement's explanation in the reader's language: the calculation (``coverage.settlement``)
hands out its steps as codes with arguments; here they become sentences with gettext, the
reader's money format and the categories' names in that language.

A settlement row stores its steps as data (``Step.to_json``). Rows written before that stored
English sentences: those are shown as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext

from coverage.models import CostCategory
from coverage.settlement import SettlementInputError, Step, render_step
from language.money import format_amount


def _step(item: object) -> Step | str:
    """A step of a result or a stored row; an old row's sentence stays a string."""
    if isinstance(item, Step | str):
        return item
    try:
        return Step.from_json(item)
    except (ValueError, ArithmeticError):
        return str(item)


def _category_names(steps: Iterable[Step | str],
                    known: dict[str, str] | None = None) -> dict[str, str]:
    """The names of the steps' categories: ``known`` ones (code: name) as given, the others
    read."""
    known = known or {}
    codes = {step.args["category"] for step in steps
             if isinstance(step, Step) and "category" in step.args}
    missing = codes - known.keys()
    names = {code: known[code] for code in codes & known.keys()}
    if missing:
        names.update((category.code, category.name)
                     for category in CostCategory.objects.filter(code__in=missing))
    return names


def _text(step: Step | str, names: dict[str, str]) -> str:
    if isinstance(step, str):
        return step
    return render_step(step, translate=gettext, amount=format_amount,
                       category=lambda code: names.get(code) or code)


def steps_text(items: Iterable[object] | None, *, names: dict[str, str] | None = None
               ) -> list[str]:
    """The steps as sentences in the active language (for pages and PDFs). ``names``: the
    categories' names (code: name) the caller has already."""
    steps = _steps(items)
    names = _category_names(steps, names)
    return [_text(step, names) for step in steps]


def _steps(items: object) -> list[Step | str]:
    return [_step(item) for item in items or []] if isinstance(items, list | tuple) else []


def category_names(explanations: Iterable[object]) -> dict[str, str]:
    """The names of the categories the steps of stored explanations name (code: name), in one
    read for all of them: for a list of settlements (``with_steps_json``'s ``names``)."""
    return _category_names([step for explanation in explanations
                            if isinstance(explanation, dict)
                            for step in _steps(explanation.get("steps"))])


def steps_json(items: Iterable[object] | None, *, names: dict[str, str] | None = None
               ) -> list[dict]:
    """The steps for the API: ``code`` and ``args`` (amounts as decimal strings, a category as
    its code) and, for people, ``text`` in the request's language. A step stored as a sentence
    has no code. ``names``: the categories' names the caller has already."""
    steps = _steps(items)
    names = _category_names(steps, names)
    return [
        {**(step.to_json() if isinstance(step, Step) else {"code": None, "args": {}}),
         "text": _text(step, names)}
        for step in steps
    ]


def with_steps_json(explanation: object, *, names: dict[str, str] | None = None) -> object:
    """A stored explanation with its steps for the API (``steps_json``)."""
    if not isinstance(explanation, dict) or "steps" not in explanation:
        return explanation
    return {**explanation, "steps": steps_json(explanation["steps"], names=names)}


def settlement_error_text(error: SettlementInputError) -> str:
    """``field: message`` in the active language, amounts in its format."""
    return error.text(gettext, format_amount)
