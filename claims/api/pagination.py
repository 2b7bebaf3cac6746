"""Page-number pagination that refuses what the schema does not allow: ``?page=`` (empty) or a
page that is not a positive whole number is a 404 "Invalid page", like a page past the end."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class StrictPageNumberPagination(PageNumberPagination):
    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        whole = raw is not None and raw.isascii() and raw.isdigit() and 0 < len(raw) <= 9
        if raw is not None and not whole and raw not in self.last_page_strings:
            raise NotFound(_("Invalid page: a positive whole number, such as 2."))
        return super().get_page_number(request, paginator)
