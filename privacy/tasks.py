"""Celery tasks of the privacy app; each calls the service it is named after and is idempotent."""

from celery import shared_task

from privacy.services import data_export_build, data_exports_expire, retention_sweep


@shared_task(name="privacy.data_export_build")
def data_export_build_task(export_id: int) -> int | None:
    """Build one export's ZIP (enqueued through the outbox by ``data_export_request``)."""
    export = data_export_build(export_id=export_id)
    return export.pk if export else None


@shared_task(name="privacy.retention_sweep")
def retention_sweep_task() -> dict:
    """Periodic (beat, daily): pseudonymise what is past its retention period."""
    return retention_sweep()


@shared_task(name="privacy.data_exports_expire")
def data_exports_expire_task() -> int:
    """Periodic (beat, hourly): delete the files of exports whose link expired."""
    return data_exports_expire()
