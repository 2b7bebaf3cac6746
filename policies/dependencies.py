"""The IT providers and software a policyholder depends on: recorded when the policy is sold
and kept up to date by the policyholder (portal, API) or an adjuster. Audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from claims import roles
from config.audit import audit_record

from .models import Policy, PolicyDependency


def may_edit_dependencies(*, user, policy: Policy) -> bool:
    if roles.is_adjuster(user) or getattr(user, "is_superuser", False):
        return True
    return bool(user and user.is_authenticated and user.is_active
                and policy.policyholder.user_id == user.pk)


def dependencies_clean(dependencies) -> list[tuple[str, str]]:
    """``[{"kind": ..., "name": ...}, ...]`` as ``[(kind, name)]``, blanks and duplicates
    dropped; a ValidationError on ``dependencies`` names each wrong entry."""
    errors, cleaned, seen = [], [], set()
    for number, item in enumerate(dependencies or (), start=1):
        kind = str((item or {}).get("kind") or "").strip()
        name = str((item or {}).get("name") or "").strip()
        if not name:
            continue
        if kind not in PolicyDependency.Kind.values:
            errors.append(f"Entry {number}: the kind must be one of "
                          f"{', '.join(PolicyDependency.Kind.values)}.")
        elif len(name) > 120:
            errors.append(f"Entry {number}: the name is longer than 120 characters.")
        elif (kind, name.lower()) not in seen:
            seen.add((kind, name.lower()))
            cleaned.append((kind, name))
    if len(cleaned) > 50:
        errors.append("At most 50 providers and software per policy.")
    if errors:
        raise ValidationError({"dependencies": errors})
    return cleaned


def policy_dependencies_set(*, policy: Policy, dependencies, by) -> list[PolicyDependency]:
    """Replace the policy's list of IT providers and software with ``dependencies``."""
    if not may_edit_dependencies(user=by, policy=policy):
        raise PermissionDenied("Only the policyholder or an adjuster can change this list.")
    cleaned = dependencies_clean(dependencies)
    with transaction.atomic():
        Policy.objects.select_for_update().filter(pk=policy.pk).first()
        current = {(row.kind, row.name.lower()): row for row in policy.it_dependencies.all()}
        wanted = {(kind, name.lower()): (kind, name) for kind, name in cleaned}
        before = sorted(f"{row.kind}:{row.name}" for row in current.values())
        PolicyDependency.objects.filter(
            pk__in=[row.pk for key, row in current.items() if key not in wanted]).delete()
        PolicyDependency.objects.bulk_create([
            PolicyDependency(policy=policy, kind=kind, name=name)
            for key, (kind, name) in wanted.items() if key not in current
        ])
        after = sorted(f"{kind}:{name}" for kind, name in cleaned)
        if before != after:
            audit_record(actor=by, action="policy.dependencies_set", obj=policy,
                         from_value=", ".join(before), to_value=", ".join(after),
                         payload={"before": before, "after": after})
    return list(policy.it_dependencies.order_by("kind", "name"))
