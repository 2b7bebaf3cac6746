"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live
server. Skipped with a reason when /usr/bin/chromium is missing, except in CI, where that fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from claims.services import claim_report
from tests.factories import (
    PolicyholderFactory,
    UserFactory,
    loss_type,
    make_adjuster,
    make_policy,
    make_team_lead,
)

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: the browser tests cannot run")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium): browser tests "
                    "skipped")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django's connections are context-local and Playwright's sync API switches this thread's
    # context: keep the test database's serialized contents reachable from the new context, or
    # ``serialized_rollback`` cannot restore the migrations' data after an earlier flush.
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None)
                  for alias in connections}
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def reported_claim():
    """A ransomware claim reported by ``holder``, with an adjuster who signs in as ``adjuster``
    (overrides the root's ``reported_claim``: the browser tests sign in by these names)."""
    lead = make_team_lead("lead")
    make_adjuster("adjuster", team_lead=lead)
    holder_user = UserFactory(username="holder")
    policy = make_policy(holder=PolicyholderFactory(user=holder_user, company_name="Pixel GmbH"),
                         created_by=lead)
    return claim_report(policy=policy, loss_type=loss_type("ransomware"),
                        loss_date=timezone.localdate(), reported_by=holder_user,
                        description="Ransomware encrypted the file server.")
