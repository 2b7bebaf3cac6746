"""Received reports become claims: the worker's half of every asynchronous report.

A received report (``claims.models.ReceivedReport``: an ordinary one sent with
``Prefer: respond-async``, or one under a cyber event) is a stored row; a periodic task registers
what was received through the report service (``claim_report``), with its rules, numbering,
duplicate check, activities, audit row and confirmation email. A ``ReportRegistrar`` says how one
kind of received report is reported (``report``), what follows once it is a claim
(``registered``: the events app links it to its event) and what happens when the rules refuse it
now (``refused``; the status says failed and the failure is audited in any case). Registration is
idempotent: each report is locked while it is registered (a locked one is left to the registrar
holding it) and registered once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from django.db import transaction
from django.utils import timezone

from claims.exceptions import ClaimsError
from claims.models import Claim, ReceivedReport
from claims.services.tx import business_action
from config.audit import audit_record
from config.rows import RowBatch
from config.statements import Prepared

# How many received reports one transaction registers.
REGISTER_BATCH = 50


class ReportRegistrar(ABC):
    """How the received reports of ``model`` become claims; subclasses give ``report`` and
    ``refused`` (and ``registered`` if something follows)."""

    def __init__(self, *, model: type[ReceivedReport], related: tuple[str, ...] = ()) -> None:
        self.model = model
        # The reports to register, locked (only their rows), with what the report service
        # reads; compiled once per connection for one report and for a batch.
        self._locked = Prepared(lambda p: (
            model.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("policy__policyholder", "loss_type", "reported_by", *related)
            .filter(pk__in=p.ints("ids")).order_by("received_at", "pk")))

    @abstractmethod
    def report(self, report: ReceivedReport) -> Claim:
        """The claim, through ``claim_report(..., now=report.received_at, composed=True)``."""

    def registered(self, registered: list[tuple[ReceivedReport, Claim]], rows: RowBatch) -> None:
        """After the claims of ``registered`` are reported, in the same transaction; by
        default nothing follows."""
        return None

    @abstractmethod
    def refused(self, report: ReceivedReport, error: ClaimsError, rows: RowBatch) -> None:
        """The rules refused ``report`` (already marked failed): tell whom it concerns."""

    def register(self, *, report_id: int) -> Claim | None:
        """Register one received report in its own transaction; its claim (None: absent,
        held by another registrar, or refused by the rules)."""
        with business_action():
            reports = self._locked.all(ids=[report_id])
            if not reports:  # absent, or another registrar holds it
                return None
            report = reports[0]
            if report.status != ReceivedReport.Status.RECEIVED:
                return report.claim
            return self._register_locked([report])[0]

    def register_received(self, *, limit: int = 2000) -> int:
        """Register the received reports, oldest first, ``REGISTER_BATCH`` a transaction (the
        beat task; several may run at once: each report is locked, a locked one is left to the
        other). Returns how many became claims."""
        received = list(self.model.objects.filter(status=ReceivedReport.Status.RECEIVED)
                        .order_by("received_at", "pk").values_list("pk", flat=True)[:limit])
        return sum(self._register_batch(received[start:start + REGISTER_BATCH])
                   for start in range(0, len(received), REGISTER_BATCH))

    def _register_locked(self, reports: list[ReceivedReport]) -> list[Claim | None]:
        """Register the received ``reports``, locked in the caller's transaction; each one's
        claim (None: refused by the rules, marked failed). Each report's claim is reported in a
        savepoint of its own; the status changes, audit rows and emails go out together."""
        rows = RowBatch()
        claims: list[Claim | None] = []
        for report in reports:
            try:
                with transaction.atomic():
                    claims.append(self.report(report))
            except ClaimsError as error:
                claims.append(None)
                report.status, report.error = ReceivedReport.Status.FAILED, error.message
                report.processed_at = timezone.now()
                rows.save(report, ["status", "error", "processed_at"])
                audit_record(actor=None, action="report.registration_failed", obj=report,
                             from_value=ReceivedReport.Status.RECEIVED,
                             to_value=ReceivedReport.Status.FAILED, reason=error.message,
                             payload={"policy": report.policy.number}, rows=rows)
                self.refused(report, error, rows)
        registered = [(report, claim) for report, claim in zip(reports, claims, strict=True)
                      if claim is not None]
        self.registered(registered, rows)
        for report, claim in registered:
            report.status, report.claim = ReceivedReport.Status.REGISTERED, claim
            report.processed_at = timezone.now()
            rows.save(report, ["status", "claim", "processed_at"])
        rows.write()
        return claims

    def _register_batch(self, report_ids: list[int]) -> int:
        """Register the received reports among ``report_ids`` in one transaction (those another
        registrar holds are skipped); how many became claims. Should the batch fail for another
        reason than the rules (which mark a report failed), its reports are registered one by
        one, each in its own transaction, so one report cannot hold back the others."""
        # Always the batch's length, so one statement per connection serves every batch.
        ids = report_ids + report_ids[-1:] * (REGISTER_BATCH - len(report_ids))
        try:
            with business_action():
                reports = [report for report in self._locked.all(ids=ids)
                           if report.status == ReceivedReport.Status.RECEIVED]
                return sum(claim is not None for claim in self._register_locked(reports))
        except Exception:
            if len(report_ids) == 1:
                raise
            return sum(self.register(report_id=pk) is not None for pk in report_ids)
