"""Reference data loaded by data migrations survives a flush.

Django's ``flush`` (run between transactional tests, and by ``manage.py flush``) empties every
table and then emits ``post_migrate``, which is how Django restores content types and permissions.
The same signal re-runs our data migrations whose data is gone: the product catalogue, groups,
activity templates, holidays. Each entry names a model whose emptiness means "reload".
"""

from __future__ import annotations

from importlib import import_module

from django.db.models.signals import post_migrate

# (app label whose post_migrate triggers it, model that is empty after a flush, migrations whose
# ``RunPython`` forward functions reload the data, in order)
RESEEDS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("catalogue", "catalogue.Product", [
        # 0002's loader and 0003's prefixes, on today's bilingual tables
        ("coverage.migrations.0006_bilingual_catalogue_names", "reload_after_flush"),
    ]),
    ("claims", "claims.ActivityTemplate", [
        ("claims.migrations.0002_groups_templates_holidays", "load"),
    ]),
    ("vendors", "vendors.VendorService", [
        ("claims.vendors.migrations.0002_services_and_permissions", "load"),
    ]),
]
_state_apps = {}


def register(entry: tuple[str, str, list[tuple[str, str]]]) -> None:
    """Let another app add its own data migrations (call from its AppConfig.ready)."""
    RESEEDS.append(entry)


def _reseed(sender, app_config, using, apps=None, **kwargs) -> None:
    if apps is None:  # flush sends no migration state: build it once (data migrations need it)
        if using not in _state_apps:
            from django.db import connections
            from django.db.migrations.executor import MigrationExecutor

            executor = MigrationExecutor(connections[using])
            targets = executor.loader.graph.leaf_nodes()
            _state_apps[using] = executor.loader.project_state(targets).apps
        apps = _state_apps[using]
    for app_label, model_label, loaders in RESEEDS:
        if app_config.label != app_label:
            continue
        try:
            model = apps.get_model(model_label)
        except LookupError:  # migrations not applied this far
            continue
        if model.objects.using(using).exists():
            continue
        for module_name, function_name in loaders:
            getattr(import_module(module_name), function_name)(apps, None)


def connect() -> None:
    post_migrate.connect(_reseed, dispatch_uid="config.reseed")
