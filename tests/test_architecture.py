"""The shape of the code, checked on its source (issue 11): one way to do each thing."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["accounts", "claims", "config", "coverage", "demo", "policies", "privacy"]


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), str(path))


def _imported(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_contextvar_decides_behaviour():
    assert [_relative(path) for path, tree in _modules()
            if any(name.startswith("contextvars") for name in _imported(tree))] == []


def test_only_the_email_task_talks_to_smtp():
    smtp = {"django.core.mail.send_mail", "django.core.mail.send_mass_mail",
            "django.core.mail.EmailMessage", "django.core.mail.EmailMultiAlternatives",
            "django.core.mail.mail_admins", "django.core.mail.get_connection"}
    assert [_relative(path) for path, tree in _modules() if _imported(tree) & smtp] == [
        "config/tasks.py"
    ]


def test_the_claims_core_does_not_import_vendors_or_money():
    core = [ROOT / "claims" / "models", ROOT / "claims" / "services"]
    offenders = [
        _relative(path) for path, tree in _modules()
        if any(folder in path.parents for folder in core)
        and any(name.startswith(("claims.vendors", "claims.money")) for name in _imported(tree))
    ]
    assert offenders == []


def test_policy_models_and_their_sales_rules_do_not_import_each_other():
    validation = ast.parse((ROOT / "policies" / "validation.py").read_text())
    assert not any(node.module == "models" or (node.module or "").endswith("policies.models")
                   for node in ast.walk(validation) if isinstance(node, ast.ImportFrom))


def test_no_apps_is_installed_guards():
    assert [_relative(path) for path, _tree in _modules()
            if "is_installed(" in path.read_text()] == []


APPS = sorted(["accounts", "claims", "claims.events", "claims.money", "claims.portal",
               "claims.vendors", "config", "coverage", "demo", "policies", "privacy"],
              key=len, reverse=True)
# Function-level imports between apps that are allowed (none).
KNOWN_LAZY: set[tuple[str, str]] = set()


def _app(dotted: str) -> str | None:
    return next((app for app in APPS if dotted == app or dotted.startswith(app + ".")), None)


def test_apps_import_each_other_at_the_top_of_a_module():
    lazy = set()
    for path, tree in _modules():
        if path.name == "apps.py":  # AppConfig.ready() registers what the app adds
            continue
        own = _app(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    other = _app(node.module)
                    if other and other != own:
                        lazy.add((_relative(path), other))
    assert lazy == KNOWN_LAZY
