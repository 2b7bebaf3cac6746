"""The claim page's choice lists, rendered in Python with the markup of Django's templates.

Django renders a ``<select>`` through ``django/forms/widgets/select.html``, which includes
``select_option.html`` and ``attrs.html`` once per option: for the adjusters' list that was a
tenth of the claim page's time. ``ListSelect`` keeps Django's context (``get_context``: the
options, which is selected, the attributes) and writes the same HTML, character for character
(``tests/claims/test_admin_widgets.py`` compares the two); anything its templates would show
differently (an option group, a label that is not text) goes Django's way.
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}`` with autoescaping."""
    if isinstance(value, tuple):
        value = str(value)
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def render_attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_formatted(value)}"')
    return "".join(parts)


_PLAIN = (str, int, ModelChoiceIteratorValue)


class ListSelect(forms.Select):
    """``forms.Select`` whose HTML is written here rather than by its templates."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.template_name != forms.Select.template_name:
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                return super().render(name, value, attrs, renderer)
            for option in group_choices:
                label = option["label"]
                if (not isinstance(label, str) or not isinstance(option["value"], _PLAIN)
                        or option["template_name"] != self.option_template_name):
                    return super().render(name, value, attrs, renderer)
                options.append(f'\n  <option value="{_formatted(option["value"])}"'
                               f'{render_attrs(option["attrs"])}>{conditional_escape(label)}'
                               "</option>\n")
        return mark_safe(f'<select name="{conditional_escape(widget["name"])}"'
                         f'{render_attrs(widget["attrs"])}>{"".join(options)}\n</select>')
