"""Activities: due dates in business days (1 hour for emergencies), each state completing the
previous state's, and the escalation of overdue ones by the beat task."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from claims.business_days import add_business_days
from claims.exceptions import PermissionDeniedError, TransitionConflict
from claims.models import Activity, AdjusterProfile, Holiday
from claims.services import (
    activities_escalate_overdue,
    activity_complete,
    claim_assign,
    information_request_create,
)
from claims.tasks import activities_escalate_overdue_task
from config.models import AuditEntry
from tests.factories import report, walk


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


# --- business days: a pure function --------------------------------------------------------------

def test_one_business_day_after_friday_is_monday():
    assert add_business_days(at(date(2026, 3, 6)), 1) == at(date(2026, 3, 9))


def test_ten_business_days_are_two_weeks():
    assert add_business_days(at(date(2026, 3, 9), 15, 30), 10) == at(date(2026, 3, 23), 15, 30)


def test_a_weekend_start_counts_from_monday():
    assert add_business_days(at(date(2026, 3, 7)), 1) == at(date(2026, 3, 9))


def test_holidays_are_skipped():
    easter = {date(2026, 4, 3), date(2026, 4, 6)}
    assert add_business_days(at(date(2026, 4, 2)), 1, holidays=easter) == at(date(2026, 4, 7))


def test_zero_business_days_is_now():
    start = at(date(2026, 3, 7))
    assert add_business_days(start, 0) == start


@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 1)),
       days=st.integers(min_value=1, max_value=40))
def test_business_days_land_on_a_weekday_with_exactly_n_weekdays_in_between(start, days):
    due = timezone.localtime(add_business_days(at(start), days)).date()
    assert due.weekday() < 5
    between = [start + timedelta(days=offset) for offset in range(1, (due - start).days + 1)]
    assert sum(1 for day in between if day.weekday() < 5) == days


# --- activities opened by the claim's states -----------------------------------------------------

pytestmark = pytest.mark.django_db


def _open(claim):
    return list(claim.activities.filter(completed_at__isnull=True))


def test_a_report_opens_first_contact_due_in_one_business_day(cyber_policy, holder_user):
    friday = at(date(2026, 3, 6))
    claim = report(cyber_policy, holder_user, now=friday, loss_date=date(2026, 3, 5))

    [activity] = _open(claim)
    assert activity.title == "First contact with the policyholder"
    assert activity.opened_in_state == "reported"
    assert activity.due_at == at(date(2026, 3, 9))


def test_an_emergency_report_is_due_within_the_hour(cyber_policy, holder_user):
    saturday_night = at(date(2026, 3, 7), 23, 10)
    claim = report(cyber_policy, holder_user, now=saturday_night, emergency=True,
                   loss_date=date(2026, 3, 7))

    [activity] = _open(claim)
    assert activity.due_at == saturday_night + timedelta(hours=1)


def test_public_holidays_from_the_table_are_skipped(cyber_policy, holder_user):
    assert Holiday.objects.filter(date=date(2026, 4, 3)).exists()  # Good Friday, from the data
    claim = report(cyber_policy, holder_user, now=at(date(2026, 4, 2)),
                   loss_date=date(2026, 4, 1))
    [activity] = _open(claim)
    assert activity.due_at == at(date(2026, 4, 7))


@pytest.mark.parametrize(("fixture", "title", "days"), [
    ("claim_in_liability_check", "Liability and coverage decision", 10),
    ("claim_in_mitigation", "Review vendor progress", 5),
    ("claim_in_settlement", "Prepare settlement", 5),
])
def test_each_state_opens_its_activity_and_completes_the_previous_ones(
    request, fixture, title, days
):
    before = timezone.now()
    claim = request.getfixturevalue(fixture)
    after = timezone.now()

    [activity] = _open(claim)
    assert activity.title == title
    assert activity.opened_in_state == claim.state
    assert add_business_days(before, days) <= activity.due_at <= add_business_days(after, days)
    done = claim.activities.exclude(pk=activity.pk)
    assert done.exists()
    assert all(old.completed_at and "Superseded" in old.completion_note for old in done)


@pytest.mark.parametrize("fixture", ["claim_closed", "claim_withdrawn"])
def test_a_finished_claim_has_no_open_activities(request, fixture):
    assert _open(request.getfixturevalue(fixture)) == []


def test_an_information_request_is_followed_up_on_its_due_date(claim_in_liability_check,
                                                               adjuster):
    due = timezone.localdate() + timedelta(days=7)
    request = information_request_create(claim=claim_in_liability_check, question="Invoice?",
                                         due_date=due, requested_by=adjuster)
    follow_up = request.activities.get()
    assert timezone.localtime(follow_up.due_at).date() == due
    # a state change does not complete the request's follow-up
    walk(claim_in_liability_check, adjuster, "start_mitigation")
    follow_up.refresh_from_db()
    assert follow_up.completed_at is None


def test_an_adjuster_completes_an_activity_once(reported_claim, adjuster, holder_user):
    [activity] = _open(reported_claim)
    with pytest.raises(PermissionDeniedError):
        activity_complete(activity=activity, by=holder_user)
    activity_complete(activity=activity, by=adjuster, note="Called them.")
    activity.refresh_from_db()
    assert activity.completed_by == adjuster
    with pytest.raises(TransitionConflict):
        activity_complete(activity=activity, by=adjuster)
    assert AuditEntry.objects.filter(action="activity.completed", claim_id=reported_claim.pk
                                     ).count() == 1


# --- escalation -----------------------------------------------------------------------------------

def _overdue(claim, hours=2):
    activity = claim.activities.get(completed_at__isnull=True)
    Activity.objects.filter(pk=activity.pk).update(
        due_at=timezone.now() - timedelta(hours=hours))
    return activity


def test_an_overdue_activity_is_escalated_once_to_the_team_lead(
    reported_claim, adjuster, team_lead, mailoutbox, django_capture_on_commit_callbacks
):
    claim_assign(claim=reported_claim, adjuster=adjuster, by=adjuster)
    activity = _overdue(reported_claim)

    with django_capture_on_commit_callbacks(execute=True):
        assert activities_escalate_overdue() == 1
        assert activities_escalate_overdue() == 0

    activity.refresh_from_db()
    assert activity.escalated_at is not None and activity.overdue_at is not None
    assert activity.escalated_to == team_lead
    assert activity.completed_at is None
    [mail] = mailoutbox
    assert mail.to == [team_lead.email]
    assert reported_claim.number in mail.subject
    entry = AuditEntry.objects.get(action="activity.escalated", claim_id=reported_claim.pk)
    assert entry.actor is None
    assert entry.payload["escalated_to"] == [team_lead.username]


def test_an_unassigned_claim_is_escalated_to_every_team_lead(
    reported_claim, team_lead, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import make_team_lead

    second = make_team_lead("lead2")
    activity = _overdue(reported_claim)

    with django_capture_on_commit_callbacks(execute=True):
        activities_escalate_overdue()

    activity.refresh_from_db()
    assert activity.escalated_at is not None and activity.escalated_to is None
    assert sorted(mailoutbox[0].to) == sorted([team_lead.email, second.email])


def test_an_adjuster_without_a_team_lead_falls_back_to_the_team_leads(
    reported_claim, adjuster, team_lead, mailoutbox, django_capture_on_commit_callbacks
):
    AdjusterProfile.objects.filter(user=adjuster).update(team_lead=None)
    claim_assign(claim=reported_claim, adjuster=adjuster, by=adjuster)
    _overdue(reported_claim)
    with django_capture_on_commit_callbacks(execute=True):
        activities_escalate_overdue()
    assert mailoutbox[0].to == [team_lead.email]


def test_activities_not_yet_due_or_done_are_left_alone(reported_claim, claim_in_mitigation):
    done = claim_in_mitigation.activities.filter(completed_at__isnull=False).first()
    Activity.objects.filter(pk=done.pk).update(due_at=timezone.now() - timedelta(days=3))

    assert activities_escalate_overdue() == 0
    assert not Activity.objects.filter(escalated_at__isnull=False).exists()


def test_the_escalation_uses_the_given_now(reported_claim):
    [activity] = _open(reported_claim)
    assert activities_escalate_overdue(now=activity.due_at - timedelta(minutes=1)) == 0
    assert activities_escalate_overdue(now=activity.due_at + timedelta(minutes=1)) == 1


def test_the_beat_task_calls_the_service(reported_claim):
    _overdue(reported_claim)
    assert activities_escalate_overdue_task() == 1
    assert activities_escalate_overdue_task() == 0


def test_the_beat_runs_the_escalation_every_five_minutes():
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "claims.activities_escalate_overdue"]
    assert len(entries) == 1
    assert entries[0]["schedule"] == timedelta(minutes=5)
