"""The claim page as a browser shows it once its tabs were opened: the page holds the overview,
and ``claims/static/claims/desk.js`` loads every other tab into the form the first time it is
opened (``claims/desk/tabs.py``)."""

from __future__ import annotations

import re

LAZY_TAB = re.compile(r'<div class="inline-group desk-lazy"[^>]*data-desk-src="([^"]+)">'
                         r".*?</div>", re.DOTALL)


def with_opened_tabs(client, html: str, **extra) -> str:
    """``html`` with each tab not yet loaded replaced by what its URL answers."""

    def tab(match) -> str:
        response = client.get(match.group(1), **extra)
        assert response.status_code == 200, (match.group(1), response.status_code)
        return response.content.decode()

    return LAZY_TAB.sub(tab, html)


def claim_page(client, url: str, **extra) -> str:
    """The page at ``url`` with every tab opened."""
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return with_opened_tabs(client, response.content.decode(), **extra)
