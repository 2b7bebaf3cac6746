"""The stored columns the lists sort and filter by (``Claim.next_due_at``, ``policy_product``)
stay exact whoever writes, and the index-friendly query shapes list the same rows in the same
order as the plain ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Activity, Claim
from claims.services import claim_assign, information_request_create
from claims.services.activities import activity_complete
from claims.services.information import information_request_cancel
from coverage.models import Product
from policies.models import Policy
from tests.factories import loss_type, report, walk
from tests.otp import staff_login


def open_due(claim: Claim):
    return Activity.objects.filter(claim=claim, completed_at__isnull=True).aggregate(
        due=Min("due_at"))["due"]


def stored_due(claim: Claim):
    return Claim.objects.values_list("next_due_at", flat=True).get(pk=claim.pk)


def assert_exact(claim: Claim) -> None:
    assert stored_due(claim) == open_due(claim)


def test_next_due_follows_every_change_of_the_activities(reported_claim, adjuster):
    claim = reported_claim
    assert open_due(claim) is not None  # the reported state's activities
    assert_exact(claim)

    first = Activity.objects.filter(claim=claim, completed_at__isnull=True).order_by(
        "due_at").first()
    activity_complete(activity=first, by=adjuster, note="Called back.")
    assert_exact(claim)

    later = Activity.objects.create(claim=claim, title="Call the CISO",
                                    due_at=timezone.now() + timedelta(days=9))
    assert_exact(claim)
    soon = timezone.now() + timedelta(minutes=5)
    Activity.objects.filter(pk=later.pk).update(due_at=soon)
    assert stored_due(claim) == soon  # rescheduled to first

    request = information_request_create(
        claim=claim, question="The server logs, please.",
        due_date=timezone.localdate() + timedelta(days=3), requested_by=adjuster)
    assert_exact(claim)
    Activity.objects.filter(claim=claim, information_request__isnull=True).delete()
    assert stored_due(claim) == Activity.objects.get(information_request=request).due_at
    information_request_cancel(request=request, by=adjuster, reason="Not needed any more.")
    assert stored_due(claim) is None  # nothing open

    walk(claim, adjuster, "start_liability_check")  # the next state's activities
    assert stored_due(claim) is not None
    assert_exact(claim)


def test_an_activity_moved_to_another_claim_updates_both(reported_claim, cyber_policy,
                                                         holder_user):
    other = report(cyber_policy, holder_user, code="ddos", description="The shop is down")
    moving = Activity.objects.filter(claim=reported_claim).order_by("due_at").first()
    moving.due_at = timezone.now() - timedelta(days=30)
    moving.save(update_fields=["due_at"])
    Activity.objects.filter(pk=moving.pk).update(claim=other)
    assert_exact(reported_claim)
    assert stored_due(other) == moving.due_at


def test_a_claim_saved_from_an_older_copy_keeps_the_exact_next_due(reported_claim):
    stale = Claim.objects.get(pk=reported_claim.pk)
    earliest = timezone.now() - timedelta(hours=2)
    Activity.objects.create(claim=reported_claim, title="Call the CISO", due_at=earliest)
    assert stored_due(reported_claim) == earliest
    stale.description = "Systems down since the morning, backups encrypted too."
    stale.save()  # every column, next_due_at with its older value among them
    assert stored_due(reported_claim) == earliest


@pytest.fixture
def adjuster_client(client, adjuster):
    staff_login(client, adjuster)
    return client


def listed(client, query=""):
    response = client.get(reverse("admin:claims_claim_changelist") + query)
    assert response.status_code == 200
    return [claim.number for claim in response.context["cl"].result_list]


def next_due_order(claims, *, descending=False):
    """The order by the earliest open activity as the list had it: a subquery per claim."""
    first_due = Activity.objects.filter(claim=OuterRef("pk"), completed_at__isnull=True).order_by(
        "due_at").values("due_at")[:1]
    ordering = ["-first_due", "pk"] if descending else ["first_due", "-pk"]
    return list(claims.annotate(first_due=Subquery(first_due)).order_by(*ordering)
                .values_list("number", flat=True))


@pytest.fixture
def book(cyber_policy, itl_policy, holder_user, adjuster, other_adjuster):
    claims = [
        report(cyber_policy, holder_user, code="ransomware", description="Encrypted"),
        report(cyber_policy, holder_user, code="ddos", description="Shop down", emergency=True),
        report(cyber_policy, holder_user, code="hacking", description="Mail account taken"),
        report(itl_policy, holder_user, code="missed_deadline", description="Deadline missed",
               claimant_name="Client AG", claimant_address="Hauptstr. 1, 86150 Augsburg"),
        report(itl_policy, holder_user, code="missed_deadline", description="Late delivery",
               claimant_name="Kunde GmbH", claimant_address="Markt 2, 80331 München"),
    ]
    claim_assign(claim=claims[0], adjuster=adjuster, by=adjuster)
    claim_assign(claim=claims[3], adjuster=adjuster, by=adjuster)
    claim_assign(claim=claims[2], adjuster=other_adjuster, by=other_adjuster)
    walk(claims[3], adjuster, "start_liability_check")
    for hours, claim in zip((30, -4, 2, 12, 1), claims, strict=True):
        Activity.objects.filter(claim=claim, completed_at__isnull=True).update(
            due_at=timezone.now() + timedelta(hours=hours))
    Activity.objects.filter(claim=claims[4]).update(completed_at=timezone.now())  # none open
    return claims


NEXT_DUE = 11  # the "next due" column's number in ``?o=``


def test_the_list_sorts_by_next_due_and_follows_the_activities(adjuster_client, book,
                                                               adjuster):
    everyone = Claim.objects.all()
    cl = adjuster_client.get(reverse("admin:claims_claim_changelist")).context["cl"]
    assert list(cl.list_display).index("next_due") == NEXT_DUE
    assert listed(adjuster_client, f"?o={NEXT_DUE}") == next_due_order(everyone)
    assert listed(adjuster_client, f"?o=-{NEXT_DUE}") == next_due_order(everyone,
                                                                      descending=True)
    # the earliest is done, another is rescheduled to first, a claim gets a new one
    done = Activity.objects.filter(claim=book[1], completed_at__isnull=True)
    for activity in done:
        activity_complete(activity=activity, by=adjuster)
    Activity.objects.filter(claim=book[0], completed_at__isnull=True).update(
        due_at=timezone.now() - timedelta(days=1))
    Activity.objects.create(claim=book[4], title="Call the client", due_at=timezone.now())
    order = listed(adjuster_client, f"?o={NEXT_DUE}")
    assert order == next_due_order(everyone)
    assert order[0] == book[0].number and order[-1] == book[1].number
    # "my claims by next due date"
    assert listed(adjuster_client, f"?queue=mine&o={NEXT_DUE}") == next_due_order(
        everyone.filter(assigned_adjuster=adjuster))


QUEUE_ORDER = ["-emergency", "reported_at", "id"]


def numbers(claims):
    return list(claims.order_by(*QUEUE_ORDER).values_list("number", flat=True))


def test_the_admin_filters_list_the_same_rows_in_the_same_order(adjuster_client, book, adjuster,
                                                                 cyber_policy, itl_policy):
    claims = Claim.objects.all()
    cases = [
        (f"?policy__product__id__exact={cyber_policy.product_id}",
         claims.filter(policy__product=cyber_policy.product_id)),
        (f"?policy__product__id__exact={itl_policy.product_id}",
         claims.filter(policy__product=itl_policy.product_id)),
        (f"?loss_type__id__exact={loss_type('missed_deadline').pk}",
         claims.filter(loss_type__code="missed_deadline")),
        ("?state__exact=reported", claims.filter(state="reported")),
        (f"?assigned_adjuster__id__exact={adjuster.pk}", claims.filter(assigned_adjuster=adjuster)),
        ("?queue=mine", claims.filter(assigned_adjuster=adjuster)),
        ("?queue=unassigned", claims.filter(assigned_adjuster__isnull=True)),
        (f"?state__exact=reported&policy__product__id__exact={cyber_policy.product_id}",
         claims.filter(state="reported", policy__product=cyber_policy.product_id)),
    ]
    for query, expected in cases:
        assert listed(adjuster_client, query) == numbers(expected), query
        assert numbers(expected), query  # each case lists something
    wrong = adjuster_client.get(reverse("admin:claims_claim_changelist") +
                                "?policy__product__id__exact=x")
    assert wrong.status_code == 302 and wrong["Location"].endswith("?e=1")  # as Django does
    html = adjuster_client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert "policy__product__id__exact" in html  # the filter's links as before


def test_the_api_filters_list_the_same_rows_in_the_same_order(book, adjuster, other_adjuster):
    client = APIClient()
    client.force_authenticate(adjuster)
    claims = Claim.objects.all()
    cases = [
        ({"product": "cyber"}, claims.filter(policy__product__code="cyber")),
        ({"product": "it_liability"}, claims.filter(policy__product__code="it_liability")),
        ({"product": "nothing"}, claims.none()),
        ({"loss_type": "missed_deadline"}, claims.filter(loss_type__code="missed_deadline")),
        ({"loss_type": "nothing"}, claims.none()),
        ({"state": "reported"}, claims.filter(state="reported")),
        ({"state": ["reported", "liability_check"]},
         claims.filter(state__in=["reported", "liability_check"])),
        ({"adjuster": other_adjuster.pk}, claims.filter(assigned_adjuster=other_adjuster)),
        ({"unassigned": "true"}, claims.filter(assigned_adjuster__isnull=True)),
        ({"unassigned": "false"}, claims.filter(assigned_adjuster__isnull=False)),
        ({"product": "cyber", "state": "reported", "emergency": "false"},
         claims.filter(policy__product__code="cyber", state="reported", emergency=False)),
    ]
    for params, expected in cases:
        response = client.get("/api/claims/", params)
        assert response.status_code == 200, params
        assert [row["number"] for row in response.data["results"]] == numbers(expected), params


def test_the_claim_takes_its_policys_product(book, cyber_policy, itl_policy):
    assert all(claim.policy.product_id == Claim.objects.get(pk=claim.pk).policy_product_id
               for claim in book)
    Policy.objects.filter(pk=itl_policy.pk).update(
        product=Product.objects.get(code="cyber"))  # a correction of the policy
    assert set(Claim.objects.filter(policy=itl_policy).values_list(
        "policy_product__code", flat=True)) == {"cyber"}


def test_the_bench_seed_stores_what_the_database_would(db):
    """``bench/seed.py`` writes the stored columns itself (a superuser's load skips the
    triggers): they equal what the triggers compute for the same claims."""
    from django.db import connection

    from bench.seed import seed

    seed(60, verbose=False)
    columns = "id, search_text, policy_product_id, next_due_at, unanswered_message"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM claims_claim ORDER BY id")
        seeded = cursor.fetchall()
        # the triggers recompute every stored column of a claim written with it
        cursor.execute("UPDATE claims_claim SET search_text = '', policy_product_id = NULL, "
                       "next_due_at = NULL, unanswered_message = NOT unanswered_message")
        cursor.execute(f"SELECT {columns} FROM claims_claim ORDER BY id")
        computed = cursor.fetchall()
    assert len(seeded) == 60
    assert seeded == computed
    assert all(row[1] and row[2] for row in seeded)
    assert any(row[4] for row in seeded)  # the policyholder's questions nobody answered yet
