"""The claim page's choice lists, rendered in Python with the markup of Django's templates.

Django renders a ``<select>`` through ``django/forms/widgets/select.html``, which includes
``select_option.html`` and ``attrs.html`` once per option: for the adjusters' list that was a
tenth of the claim page's time. ``ListSelect`` keeps Django's context (``get_context``: the
options, which is selected, the attributes) and writes the same HTML, character for character
(``tests/claims/test_admin_widgets.py`` compares the two); anything its templates would show
differently (an option group, a label that is not text) goes Django's way.

``DirectRenderer`` does the same for the claim form's other inputs, its labels and its (empty)
error lists, which Django renders through the form renderer's templates: some thirty template
renders per page.
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.templatetags.static import static
from django.utils.html import strip_spaces_between_tags
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext

from config.html import escaped


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}`` with autoescaping."""
    if isinstance(value, tuple):
        value = str(value)
    text = str(value)
    return text if isinstance(value, SafeData) else escaped(text)


def render_attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {escaped(name)}")
        else:
            parts.append(f' {escaped(name)}="{_formatted(value)}"')
    return "".join(parts)


_PLAIN = (str, int, ModelChoiceIteratorValue)


class ListSelect(forms.Select):
    """``forms.Select`` whose HTML is written here rather than by its templates."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.template_name != forms.Select.template_name:
            return super().render(name, value, attrs, renderer)
        if self._plain_options():
            html = self._write(name, value, attrs)
            if html is not None:
                return html
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
                options.append(_option(option["value"], option["attrs"], label))
        return _select(widget, options)

    def _plain_options(self) -> bool:
        """Options as ``forms.Select`` makes them: one choice, attributes only ``selected``."""
        cls = type(self)
        return (not self.allow_multiple_selected and not self.option_inherits_attrs
                and self.option_template_name == forms.Select.option_template_name
                and self.checked_attribute == {"selected": True}
                and cls.get_context is forms.Select.get_context
                and cls.optgroups is forms.Select.optgroups
                and cls.create_option is forms.Select.create_option)

    def _write(self, name, value, attrs) -> SafeString | None:
        """The options straight from the choices, as ``ChoiceWidget.optgroups`` and
        ``create_option`` make them (None: a choice the templates would show differently)."""
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = widget["value"]
        options = []
        has_selected = False
        for option_value, label in self.choices:
            if option_value is None:
                option_value = ""
            if not isinstance(label, str) or not isinstance(option_value, _PLAIN):
                return None
            selected = not has_selected and str(option_value) in chosen
            has_selected |= selected
            options.append(_option(option_value, _SELECTED if selected else {}, label))
        return _select(widget, options)


_SELECTED = {"selected": True}


def _option(value, attrs: dict, label: str) -> str:
    """``django/forms/widgets/select_option.html``, as ``select.html`` places it."""
    return (f'\n  <option value="{_formatted(value)}"{render_attrs(attrs)}>'
            f"{escaped(label)}</option>\n")


def _select(widget: dict, options: list[str]) -> SafeString:
    return mark_safe(f'<select name="{escaped(widget["name"])}"'
                     f'{render_attrs(widget["attrs"])}>{"".join(options)}\n</select>')


# --- the form's plain inputs, labels and (empty) error lists ------------------------------------

# Django's templates that are only ``{% include "django/forms/widgets/input.html" %}``.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "checkbox", "color", "date", "datetime", "email", "file", "hidden",
                 "number", "password", "search", "tel", "text", "time", "url"))


def _text(value) -> bool:
    return isinstance(value, str)


def _input(widget: dict) -> str | None:
    """``django/forms/widgets/input.html`` (with ``attrs.html``), unstripped."""
    value = widget["value"]
    if not (_text(widget["type"]) and _text(widget["name"]) and (value is None or _text(value))):
        return None
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (f'<input type="{escaped(widget["type"])}"'
            f' name="{escaped(widget["name"])}"{shown}'
            f'{render_attrs(widget["attrs"])}>\n')


def _write_input(context: dict) -> str | None:
    return _input(context["widget"])


def _write_admin_date(context: dict) -> str | None:
    """``admin/widgets/date.html``: the input in a paragraph."""
    html = _input(context["widget"])
    return None if html is None else f'<p class="date">\n  {html}\n\n</p>\n'


def _write_textarea(context: dict) -> str | None:
    """``django/forms/widgets/textarea.html``."""
    widget = context["widget"]
    value = widget["value"]
    if not (_text(widget["name"]) and (value is None or _text(value))):
        return None
    return (f'<textarea name="{escaped(widget["name"])}"'
            f'{render_attrs(widget["attrs"])}>\n'
            f'{escaped(value) if value else ""}</textarea>\n')


def _write_label(context: dict) -> str | None:
    """``django/forms/label.html`` (with ``django/forms/attrs.html``)."""
    label, tag = context["label"], context["tag"]
    if not (_text(label) and _text(tag)):
        return None
    if not context["use_tag"]:
        return escaped(label)
    tag = escaped(tag)
    return f"<{tag}{render_attrs(context['attrs'] or {})}>{escaped(label)}</{tag}>\n"


def _write_errors(context: dict) -> str | None:
    """``django/forms/errors/list/default.html`` and ``ul.html`` of no errors: nothing."""
    return None if context["errors"] else ""


# The links next to a related field's choice (``admin/widgets/related_widget_wrapper.html``,
# after ``{% spaceless %}``): which flag shows each, its parts, and the title's message.
_RELATED_LINKS = (
    ("can_change_related", '<a class="related-widget-wrapper-link change-related" '
     'id="change_id_{name}"\n            data-href-template="{url}?{params}"\n'
     '            data-popup="yes"\n            title="{title}"><img src="{icon}" alt="" '
     'width="24" height="24"></a>', "change_related_template_url", "url_params",
     "Change selected %(model)s", "admin/img/icon-changelink.svg"),
    ("can_add_related", '<a class="related-widget-wrapper-link add-related" id="add_id_{name}"'
     '\n            data-popup="yes"\n            href="{url}?{params}"\n'
     '            title="{title}"><img src="{icon}" alt="" width="24" height="24"></a>',
     "add_related_url", "url_params", "Add another %(model)s", "admin/img/icon-addlink.svg"),
    ("can_delete_related", '<a class="related-widget-wrapper-link delete-related" '
     'id="delete_id_{name}"\n            data-href-template="{url}?{params}"\n'
     '            data-popup="yes"\n            title="{title}"><img src="{icon}" alt="" '
     'width="24" height="24"></a>', "delete_related_template_url", "url_params",
     "Delete selected %(model)s", "admin/img/icon-deletelink.svg"),
    ("can_view_related", '<a class="related-widget-wrapper-link view-related" '
     'id="view_id_{name}"\n             data-href-template="{url}?{params}"\n'
     '             title="{title}"><img src="{icon}" alt="" width="24" height="24"></a>',
     "change_related_template_url", "view_related_url_params", "View selected %(model)s",
     "admin/img/icon-viewlink.svg"),
)


def _write_related_wrapper(context: dict) -> str | None:
    """``admin/widgets/related_widget_wrapper.html``: the choice and its links."""
    if not (_text(context["name"]) and _text(context["model_name"])):
        return None
    links = []
    if not context["is_hidden"]:
        model = escaped(context["model"])
        for flag, html, url, params, message, icon in _RELATED_LINKS:
            if context[flag]:
                links.append(html.format(
                    name=escaped(context["name"]),
                    url=escaped(context[url]),
                    params=escaped(context[params]),
                    title=gettext(message) % {"model": model},
                    icon=escaped(static(icon))))
    model_ref = ("" if context["model_has_limit_choices_to"]
                 else f'data-model-ref="{escaped(context["model_name"])}"')
    return (f'<div class="related-widget-wrapper" {model_ref}>\n'
            f'    {escaped(context["rendered_widget"])}\n    \n        '
            f'{strip_spaces_between_tags("".join(links))}\n    \n</div>\n')


_WRITERS = {
    **dict.fromkeys(_INPUT_TEMPLATES, _write_input),
    "django/forms/widgets/textarea.html": _write_textarea,
    "admin/widgets/date.html": _write_admin_date,
    "admin/widgets/related_widget_wrapper.html": _write_related_wrapper,
    "django/forms/label.html": _write_label,
    "django/forms/errors/list/default.html": _write_errors,
    "django/forms/errors/list/ul.html": _write_errors,
}


class DirectRenderer(BaseRenderer):
    """The configured form renderer (``FORM_RENDERER``), except that the HTML of plain inputs,
    text areas, the admin's date input and related field links, labels and empty error lists is
    written here, as their templates would render it (``tests/claims/test_admin_widgets.py``
    compares the two); a value their templates would show differently (not text) goes the
    renderer's way."""

    @property
    def _renderer(self) -> BaseRenderer:
        return get_default_renderer()

    @property
    def form_template_name(self):
        return self._renderer.form_template_name

    @property
    def formset_template_name(self):
        return self._renderer.formset_template_name

    @property
    def field_template_name(self):
        return self._renderer.field_template_name

    @property
    def bound_field_class(self):
        return getattr(self._renderer, "bound_field_class", None)

    def get_template(self, template_name):
        return self._renderer.get_template(template_name)

    def render(self, template_name, context, request=None):
        write = _WRITERS.get(template_name)
        html = None if write is None else write(context)
        if html is None:
            return self._renderer.render(template_name, context, request=request)
        return html.strip()
