"""``config.statements.Prepared``: a read compiled once gives what its queryset gives, with the
values of each call."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from config.statements import Prepared
from policies.models import CoverageSection, InsuranceYearAccount

pytestmark = pytest.mark.django_db

_CLAIM = Prepared(lambda p: Claim.objects.select_related("policy__policyholder")
                  .filter(pk=p.int("claim_id")))
_SECTIONS = Prepared(lambda p: CoverageSection.objects.filter(pk__in=p.ints("ids"))
                     .values("pk", "policy_id").annotate(accounts=Count("accounts"))
                     .order_by("pk"))
_ACCOUNT_IDS = Prepared(lambda p: InsuranceYearAccount.objects.filter(
    section__policy__number=p.text("number")).order_by("pk").values_list("pk", flat=True))
_LOCKED = Prepared(lambda p: InsuranceYearAccount.objects.select_for_update()
                   .filter(pk=p.int("account_id")))


def test_a_prepared_read_gives_what_its_queryset_gives_for_each_call(claim_settled,
                                                                     cyber_policy):
    claim = _CLAIM.get(claim_id=claim_settled.pk)
    assert claim == claim_settled and claim.state == claim_settled.state
    with CaptureQueriesContext(connection) as captured:
        assert claim.policy.policyholder == claim_settled.policy.policyholder  # selected along
    assert captured.captured_queries == []
    with pytest.raises(Claim.DoesNotExist):
        _CLAIM.get(claim_id=claim_settled.pk + 1000)

    sections = list(cyber_policy.sections.order_by("pk"))
    for ids in ([sections[0].pk], [section.pk for section in sections]):  # one SQL per length
        assert _SECTIONS.all(ids=ids) == list(
            CoverageSection.objects.filter(pk__in=ids).values("pk", "policy_id")
            .annotate(accounts=Count("accounts")).order_by("pk"))
    assert _ACCOUNT_IDS.all(number=cyber_policy.number) == list(
        InsuranceYearAccount.objects.filter(section__policy=cyber_policy).order_by("pk")
        .values_list("pk", flat=True))
    assert _ACCOUNT_IDS.first(number="no such policy") is None


def test_a_prepared_read_runs_only_its_sql_the_second_time(cyber_policy):
    account = InsuranceYearAccount.objects.filter(section__policy=cyber_policy).first()
    _ACCOUNT_IDS.all(number=cyber_policy.number)
    with CaptureQueriesContext(connection) as captured:
        ids = _ACCOUNT_IDS.all(number=cyber_policy.number)
    assert account.pk in ids
    [query] = captured.captured_queries
    assert cyber_policy.number in query["sql"]


def test_a_prepared_lock_reads_the_row_under_its_lock(cyber_policy):
    account = InsuranceYearAccount.objects.filter(section__policy=cyber_policy).first()
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        locked = _LOCKED.get(account_id=account.pk)
    assert locked.committed == account.committed and isinstance(locked.limit, Decimal)
    assert captured.captured_queries[-1]["sql"].endswith("FOR UPDATE")


@pytest.mark.django_db
def test_a_long_statement_with_many_parameters_is_parsed_once():
    """A business action's rows go out in one long statement (an approval's: 6 KB, 103
    parameters): psycopg keeps its placeholder conversion, as it does for short ones."""
    from psycopg import _queries

    values = ", ".join(["(%s::int)"] * 120)
    sql = f"SELECT count(*) FROM (VALUES {values}) AS v(n) /* {'x' * 5000} */"
    with connection.cursor() as cursor:
        cursor.execute(sql, list(range(120)))
        before = _queries._query2pg.cache_info()
        cursor.execute(sql, list(range(120, 240)))
        after = _queries._query2pg.cache_info()
        assert cursor.fetchone() == (120,)
    assert after.hits == before.hits + 1
    assert after.misses == before.misses
