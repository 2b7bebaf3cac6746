"""``config.html`` writes the same HTML as Django's ``conditional_escape`` and ``format_html``:
the claim page's fieldsets, tables and widgets use it, so any difference would be an unescaped
value (a policyholder's text run as markup) or a doubly escaped one on the adjuster's screen."""

from decimal import Decimal

import pytest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from config.html import escaped, html


class Marked:
    """Something with ``__html__``, as a form field, a bound field or a lazy safe string."""

    def __html__(self):
        return '<b title="x">marked</b>'

    def __str__(self):
        return "<not used>"


VALUES = [
    "plain",
    '<script>alert("x")</script> & \'quoted\'',
    "Müller & Söhne <GmbH>",
    "",
    0,
    12,
    Decimal("1234.50"),
    None,
    True,
    mark_safe("<em>already safe</em>"),
    SafeString("<i>safe & sound</i>"),
    Marked(),
    gettext_lazy("Claim"),
    gettext_lazy("<%(name)s>") % {"name": "x&y"},
    ["<list>", 1],
]
IDS = [f"{index}-{type(value).__name__}" for index, value in enumerate(VALUES)]


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_escaped_is_conditional_escape(value):
    with override("de"):
        assert escaped(value) == str(conditional_escape(value))
        assert type(escaped(value)) in (str, SafeString)


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_html_is_format_html(value):
    with override("de"):
        template = '<a href="/claims/{}/" title="{title}">{}</a>'
        ours = html(template, value, "<b>", title=value)
        django = format_html(template, value, "<b>", title=value)
        assert ours == django
        assert isinstance(ours, SafeString)


def test_html_leaves_the_template_as_written_and_nests_without_escaping_twice():
    inner = html('<span class="{}">{}</span>', "a&b", "<x>")
    assert inner == '<span class="a&amp;b">&lt;x&gt;</span>'
    outer = html("<div>{}</div>", inner)
    assert outer == format_html("<div>{}</div>", format_html('<span class="{}">{}</span>',
                                                               "a&b", "<x>"))
    assert "&amp;amp;" not in outer and "&amp;lt;" not in outer
