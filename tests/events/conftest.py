"""Event fixtures on top of the claims fixtures: a ransomware campaign through a flaw in
"FileBridge MFT", claims that match it and claims that must not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.events.services import event_declare
from tests.factories import PolicyholderFactory, UserFactory, loss_type, make_policy


def declare(by, **overrides):
    data = {
        "name": "FileBridge ransomware campaign",
        "kind": "malware_campaign",
        "description": "A ransomware gang exploits a flaw in FileBridge MFT.",
        "starts_at": timezone.now() - timedelta(days=5),
        "software": ["FileBridge MFT", "FileBridge"],
        "providers": [],
        "indicators": ["LockBridge"],
        "cve_id": "CVE-2026-31337",
        "loss_types": [loss_type("ransomware")],
    }
    data.update(overrides)
    return event_declare(by=by, **data)


def other_holder_policy(name: str, seller, product: str = "cyber"):
    user = UserFactory(username=name.lower().replace(" ", "_"))
    owner = PolicyholderFactory(user=user, company_name=name)
    return make_policy(holder=owner, product=product, created_by=seller), user


@pytest.fixture
def event(adjuster):
    return declare(adjuster)
