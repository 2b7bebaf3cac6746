"""The claim page's display-only tables (``claims.admin.readonly_tables``) look each column's model
field up once per table: every cell must still be what the admin's read-only field shows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import linebreaksbr
from django.test import RequestFactory
from django.utils import timezone
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

from claims.admin.readonly_tables import _breaks, _cell, _column
from claims.models import Activity
from claims.services import document_add

pytestmark = pytest.mark.django_db


@given(st.text(alphabet="ab <>&\"'\r\n\u00e4", max_size=12), st.booleans())
def test_line_breaks_are_djangos_linebreaksbr(text, safe):
    value = mark_safe(text) if safe else text
    assert _breaks(value) == linebreaksbr(value)
    assert _breaks(len(text)) == linebreaksbr(len(text))


def test_every_cell_of_the_display_only_tables_is_the_admins(
    adjuster, claim_in_liability_check, team_lead
):
    from django.contrib import admin

    from claims.models import Claim

    claim = claim_in_liability_check
    now = timezone.now()
    Activity.objects.create(claim=claim, title="Call <the> insured & co\r\nthen write",
                            due_at=now, completed_at=now, completed_by=adjuster,
                            completion_note="Done\nreally <done>", escalated_at=now,
                            escalated_to=team_lead)
    document_add(claim=claim, upload=SimpleUploadedFile("a <b>.pdf", b"%PDF-1.4\n%%EOF\n"),
                 doc_type="vendor_report", uploaded_by=adjuster)
    request = RequestFactory().get("/")
    request.user = adjuster
    model_admin = admin.site.get_model_admin(Claim)
    checked = 0
    model_admin.get_inline_instances(request, claim)
    for inline, display_only in request._claims_inline_order:
        if not display_only:
            continue
        empty = inline.get_empty_value_display()
        rows = list(inline.get_queryset(request).filter(claim=claim))
        for name in inline.get_fields(request, claim):
            column = _column(inline, name)
            for row in rows:
                assert column(row, empty) == _cell(inline, name, row, empty), (inline, name)
                checked += 1
    assert checked > 20
