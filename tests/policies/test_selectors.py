"""Which section and insurance year cover a loss, and what is left of every aggregate."""

from datetime import date
from decimal import Decimal

import pytest

from coverage.models import LossType
from policies.models import InsuranceYearAccount
from policies.selectors import Cover, NoCover, aggregate_overview, cover_for_loss
from policies.services import policy_cancel
from tests.factories import PolicyFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def one_year_policy(db):
    """Cyber own damage, 1 January 2026 to 1 January 2027 (exclusive)."""
    return PolicyFactory(start_date=date(2026, 1, 1), term_years=1)


@pytest.fixture
def three_year_policy(db):
    return PolicyFactory(
        start_date=date(2026, 4, 1),
        term_years=3,
        sections={"cyber_own_damage": D("500000"), "cyber_bi": D("250000")},
    )


def no_cover_code(**arguments) -> str:
    with pytest.raises(NoCover) as error:
        cover_for_loss(**arguments)
    assert error.value.message
    assert str(error.value) == error.value.message
    return error.value.code


def test_cover_on_the_first_day(one_year_policy):
    cover = cover_for_loss(policy=one_year_policy, loss_date=date(2026, 1, 1))
    assert isinstance(cover, Cover)
    assert cover.insurance_year == 1
    assert cover.section.module.code == "cyber_own_damage"
    assert cover.account.section == cover.section
    assert cover.account.year == 1


def test_cover_on_the_last_day(one_year_policy):
    assert cover_for_loss(policy=one_year_policy, loss_date=date(2026, 12, 31)).insurance_year == 1


def test_no_cover_on_the_expiry_day_itself(one_year_policy):
    assert no_cover_code(policy=one_year_policy, loss_date=date(2027, 1, 1)) == "after_expiry"


def test_no_cover_before_the_start(one_year_policy):
    assert no_cover_code(policy=one_year_policy, loss_date=date(2025, 12, 31)) == "before_start"


def test_the_insurance_year_of_the_loss_date(three_year_policy):
    cover = cover_for_loss(policy=three_year_policy, loss_date=date(2027, 4, 1))
    assert cover.insurance_year == 2
    assert (cover.account.starts_on, cover.account.ends_on) == (date(2027, 4, 1), date(2028, 4, 1))
    assert cover_for_loss(policy=three_year_policy, loss_date=date(2027, 3, 31)).insurance_year == 1
    assert cover_for_loss(policy=three_year_policy, loss_date=date(2029, 3, 31)).insurance_year == 3


def test_cancelled_policy_covers_losses_before_the_cancellation_date_only(one_year_policy):
    policy_cancel(
        policy=one_year_policy, cancelled_from=date(2026, 6, 1), cancelled_by=None,
        reason="Premium not paid.",
    )
    one_year_policy.refresh_from_db()
    assert cover_for_loss(policy=one_year_policy, loss_date=date(2026, 5, 31)).insurance_year == 1
    code = no_cover_code(policy=one_year_policy, loss_date=date(2026, 6, 1))
    assert code == "policy_cancelled"


def test_the_section_whose_module_covers_the_loss_type(three_year_policy):
    ransomware = LossType.objects.get(code="ransomware")
    cover = cover_for_loss(
        policy=three_year_policy, loss_date=date(2026, 5, 1), loss_type=ransomware
    )
    assert cover.section.module.code == "cyber_own_damage"
    by_code = cover_for_loss(policy=three_year_policy, loss_date=date(2026, 5, 1), loss_type="ddos")
    assert by_code.section == cover.section


def test_a_third_party_claim_is_covered_by_cyber_liability_only_when_bought(three_year_policy):
    liability_policy = PolicyFactory(
        sections={"cyber_own_damage": D("100000"), "cyber_liability": D("250000")}
    )
    breach = LossType.objects.get(code="data_breach_liability")
    cover = cover_for_loss(policy=liability_policy, loss_date=date(2026, 5, 1), loss_type=breach)
    assert cover.section.module.code == "cyber_liability"
    assert cover.account.limit == D("500000.00")
    assert no_cover_code(
        policy=three_year_policy, loss_date=date(2026, 5, 1), loss_type=breach
    ) == "no_section_for_loss_type"


def test_no_section_for_a_loss_type_of_another_product(one_year_policy):
    code = no_cover_code(
        policy=one_year_policy, loss_date=date(2026, 5, 1), loss_type="contract_withdrawal"
    )
    assert code == "no_section_for_loss_type"


def test_no_insurance_year_account_for_the_date(one_year_policy):
    InsuranceYearAccount.objects.filter(section__policy=one_year_policy).delete()
    assert no_cover_code(policy=one_year_policy, loss_date=date(2026, 5, 1)) == "no_insurance_year"


def test_aggregate_overview_per_section_and_insurance_year(three_year_policy):
    InsuranceYearAccount.objects.filter(
        section__module__code="cyber_own_damage", year=2
    ).update(committed=D("950000.00"))
    rows = aggregate_overview(policy=three_year_policy)
    assert [(row.section.module.code, row.insurance_year) for row in rows] == [
        ("cyber_own_damage", 1), ("cyber_own_damage", 2), ("cyber_own_damage", 3),
        ("cyber_bi", 1), ("cyber_bi", 2), ("cyber_bi", 3),
    ]
    second = rows[1]
    assert (second.limit, second.committed, second.remaining) == (
        D("1000000.00"), D("950000.00"), D("50000.00")
    )
    assert rows[3].remaining == D("500000.00")
    assert (rows[0].starts_on, rows[0].ends_on) == (date(2026, 4, 1), date(2027, 4, 1))


def test_an_expired_policy_still_covers_losses_of_its_term(one_year_policy):
    from policies.services import policies_expire_due

    assert policies_expire_due(today=date(2027, 1, 1)) == 1
    one_year_policy.refresh_from_db()
    assert cover_for_loss(policy=one_year_policy, loss_date=date(2026, 12, 31)).insurance_year == 1


def test_no_cover_survives_pickling():
    import pickle

    error = pickle.loads(pickle.dumps(NoCover("before_start", "Too early.")))
    assert (error.code, error.message, str(error)) == ("before_start", "Too early.", "Too early.")
