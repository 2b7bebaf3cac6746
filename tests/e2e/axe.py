"""axe-core (npm package, installed into tests/e2e/node_modules by .ci/run) injected into a page
by Playwright: the violations a screen reader or keyboard user would hit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


def axe_violations(page, *, impacts=BLOCKING) -> list[dict]:
    """The page's axe-core violations of the given impacts (WCAG 2 A/AA rules)."""
    if not AXE.exists():
        message = f"{AXE} is missing: run `npm install` in tests/e2e"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy (no
    # inline scripts) does not govern, so the checked page keeps its real CSP.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
    return [v for v in result["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. "
        f"{v['nodes'][0]['target']})" for v in violations)
