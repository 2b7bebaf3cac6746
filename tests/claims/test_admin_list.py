"""The claim list's rows are rendered in one pass (``claims.admin.changelist``): the table must be
Django's, cell for cell, whatever the rows show, the filters, the order and the language."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.admin.templatetags.admin_list import result_list as django_result_list
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from claims.admin.changelist import result_list
from claims.events.services import event_claims_link, event_declare, event_suggest
from claims.formats import compiled, local_formats
from claims.models import Activity, InformationRequest
from claims.services import (
    claim_assign,
    claim_series_link,
    information_request_create,
)
from tests.factories import loss_type, report

pytestmark = pytest.mark.django_db

LIST = "/admin/claims/claim/"


@pytest.fixture
def book(cyber_policy, itl_policy, holder_user, adjuster, other_adjuster):
    """Claims showing every kind of cell: an emergency, overdue and open activities, an open
    information request, a possible duplicate, a series, an event linked and one suggested, a
    third party claim, assigned and unassigned."""
    now = timezone.now()
    old = report(cyber_policy, holder_user, code="data_carrier_theft", days_ago=5,
                 description="Old laptop theft", now=now - timedelta(days=3))
    emergency = report(cyber_policy, holder_user, description="Everything encrypted",
                       emergency=True)
    mine = report(cyber_policy, holder_user, code="ddos", description="DDoS on the shop")
    report(cyber_policy, holder_user, description="Server room flooded by a burst pipe")
    report(cyber_policy, holder_user, description="Server room flooded by a burst pipe!")
    third_party = report(itl_policy, holder_user, code="pure_financial_loss", days_ago=9,
                         description="A client lost money through our update <b>&</b>")
    claim_assign(claim=mine, adjuster=adjuster, by=adjuster)
    claim_assign(claim=third_party, adjuster=other_adjuster, by=other_adjuster)
    Activity.objects.filter(claim=old).update(due_at=now - timedelta(hours=1))
    information_request_create(claim=mine, question="The firewall logs, please.",
                               due_date=timezone.localdate() + timedelta(days=7),
                               requested_by=adjuster)
    assert InformationRequest.objects.filter(claim=mine, status="open").exists()
    claim_series_link(claims=[old, mine], cause="Break-in", by=adjuster)
    event = event_declare(
        by=adjuster, name="FileBridge <campaign>", kind="malware_campaign",
        description="A ransomware gang exploits a flaw in FileBridge MFT.",
        starts_at=now - timedelta(days=5), software=["FileBridge MFT"], providers=[],
        indicators=["LockBridge"], cve_id="CVE-2026-31337",
        loss_types=[loss_type("ransomware")])
    event_claims_link(event=event, claims=[emergency], by=adjuster)
    report(cyber_policy, holder_user, code="ransomware", days_ago=0,
           description="Everything encrypted by LockBridge.")
    event_suggest(event=event, by=adjuster)
    return {"event": event}


def tables(client, query: str, language: str) -> tuple[str, str]:
    """The list's table as rendered, and as Django's ``result_list`` renders it."""
    response = client.get(LIST + query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    cl = response.context["cl"]
    with translation.override(language):
        ours = render_to_string("admin/change_list_results.html", result_list(cl))
        django = render_to_string("admin/change_list_results.html", django_result_list(cl))
    assert ours in response.content.decode()
    return ours, django


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("query", [
    "", "?queue=open", "?o=-9.2", "?q=Pixel", "?queue=mine&o=4",
    "?event=any", "?state__exact=reported&emergency__exact=1",
])
def test_the_rows_are_djangos_cell_for_cell(client, adjuster, book, query, language):
    client.force_login(adjuster)
    ours, django = tables(client, query, language)
    assert ours == django


def test_a_row_links_to_its_claim_keeping_the_filters(client, adjuster, book):
    client.force_login(adjuster)
    ours, _ = tables(client, "?queue=open", "en")
    claim = book["event"].links.first().claim
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    assert f'<a href="{url}?_changelist_filters=queue%3Dopen">{claim.number}</a>' in ours


@pytest.mark.parametrize("language", ["de", "en"])
def test_dates_are_written_as_date_format_writes_them(language):
    moments = [datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.get_current_timezone()),
               datetime(2026, 12, 31, 23, 59, 59, tzinfo=timezone.get_current_timezone())]
    with translation.override(language):
        formats = local_formats()
        for moment in moments:
            local = timezone.localtime(moment)
            assert formats.datetime(moment) == date_format(local, "DATETIME_FORMAT")
            assert formats.short_datetime(local) == date_format(local,
                                                                "SHORT_DATETIME_FORMAT")
            assert formats.date(moment.date()) == date_format(moment.date())
        assert formats.date(date(987, 6, 5)) == date_format(date(987, 6, 5))


def test_an_unusual_date_format_is_left_to_django():
    assert compiled("d.m.Y", False) is not None
    assert compiled("D, j. F Y", False) is None  # names of days and months: date_format's
    assert compiled(r"\Y\e\a\r: Y", False)(date(2026, 1, 2)) == date_format(
        date(2026, 1, 2), r"\Y\e\a\r: Y")


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("query", ["", "?queue=open&state__exact=reported", "?event=any&q=Pixel",
                                   "?emergency__exact=1&o=3"])
def test_the_filters_are_djangos(client, adjuster, book, query, language, monkeypatch):
    from django.contrib.admin.templatetags.admin_list import admin_list_filter

    client.force_login(adjuster)

    def filters() -> str:
        page = client.get(LIST + query, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        start = page.index('<nav id="changelist-filter"')
        return page[start:page.index("</nav>", start)]

    ours = filters()
    assert 'class="selected"' in ours
    assert ("Nach " if language == "de" else "By ") in ours
    monkeypatch.setattr("claims.templatetags.claim_list.list_filter", admin_list_filter)
    assert ours == filters()


def test_a_date_format_is_written_as_date_format_writes_it():
    moment = datetime(2026, 1, 2, 3, 4, 5)
    for format_string in ["d.m.Y H:i", "j.n.y G:i:s", "Y-m-d", r"d.m.Y \u\m H:i", "H:i 100%"]:
        with_time = compiled(format_string, True)
        assert with_time(moment) == date_format(moment, format_string)
    assert compiled("d.m.Y", False)(moment.date()) == date_format(moment.date(), "d.m.Y")


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_related_filters_choices_are_djangos(book, language):
    from django.contrib import admin

    from claims.admin.filters import related_choices
    from claims.models import Claim
    from policies.models import Policy

    with translation.override(language):
        for field in (Policy._meta.get_field("product"), Claim._meta.get_field("loss_type")):
            related = admin.site.get_model_admin(field.remote_field.model)
            ordering = related.get_ordering(None)
            assert related_choices(field, ordering) == field.get_choices(
                include_blank=False, ordering=ordering)
            assert related_choices(field, ()) == field.get_choices(include_blank=False)
