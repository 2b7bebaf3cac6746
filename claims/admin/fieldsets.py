"""The claim page's fieldsets, written in Python with the markup of the admin's
``admin/includes/fieldset.html`` (Django 5.2): the same elements, classes and ids.

The template resolved some thirty variables per field through the template engine, a fifth of
the page's time; the page renders eight fieldsets of mostly one read-only field each.
"""

from __future__ import annotations

from django.contrib.admin import helpers
from django.utils.safestring import SafeString, mark_safe

from config.html import escaped, html


def _info(field, key: str):
    """``field.field.<key>`` as the template reads it: a bound field's attribute, or the
    read-only field's dict entry (missing: empty)."""
    inner = field.field
    if isinstance(inner, dict):
        return inner.get(key, "")
    return getattr(inner, key, "")


def _field(field, *, single: bool) -> SafeString:
    readonly = field.is_readonly
    name = _info(field, "name")
    hidden = _info(field, "is_hidden")
    box = ["flex-container"]
    if not single:
        box.append("fieldBox")
        if name:
            box.append(f"field-{name}")
        if not readonly and field.errors():
            box.append("errors")
        if hidden:
            box.append("hidden")
    if field.is_checkbox:
        box.append("checkbox-row")
        body = SafeString(escaped(field.field) + escaped(field.label_tag()))
    elif readonly:
        body = html('{}<div class="readonly">{}</div>', field.label_tag(),
                    field.contents())
    else:
        body = SafeString(escaped(field.label_tag()) + escaped(field.field))
    errors = "" if single or readonly else SafeString(escaped(field.errors()))
    help_text = _info(field, "help_text")
    helper = ""
    if help_text:
        label_id = _info(field, "id_for_label")
        helper = html('<div class="help{}"{}><div>{}</div></div>',
                      " hidden" if hidden else "",
                      html(' id="{}_helptext"', label_id) if label_id else "",
                      mark_safe(help_text))
    return html('<div>{}<div class="{}">{}</div>{}</div>', errors, " ".join(box), body,
                helper)


def _line(line: helpers.Fieldline) -> SafeString:
    fields = list(line)
    single = len(line.fields) == 1
    css = ["form-row"]
    if single and line.errors():
        css.append("errors")
    if not line.has_visible_field:
        css.append("hidden")
    css += [f"field-{_info(field, 'name')}" for field in fields if _info(field, "name")]
    cells = mark_safe("".join(_field(field, single=single) for field in fields))
    if single:
        return html('<div class="{}">{}{}</div>', " ".join(css), line.errors(), cells)
    return html('<div class="{}"><div class="flex-container form-multiline">{}</div>'
                "</div>", " ".join(css), cells)


def render_fieldset(fieldset: helpers.Fieldset, *, heading_id: str,
                    heading_level: int = 2) -> SafeString:
    """One fieldset as ``admin/includes/fieldset.html`` renders it."""
    parts = []
    if fieldset.name:
        heading = html('<h{} id="{}" class="fieldset-heading">{}</h{}>', heading_level,
                       heading_id, fieldset.name, heading_level)
        if fieldset.is_collapsible:
            heading = html("<details><summary>{}</summary>", heading)
        parts.append(heading)
    if fieldset.description:
        parts.append(html('<div class="description">{}</div>',
                          mark_safe(fieldset.description)))
    parts.extend(_line(line) for line in fieldset)
    if fieldset.name and fieldset.is_collapsible:
        parts.append(mark_safe("</details>"))
    labelled = html(' aria-labelledby="{}"', heading_id) if fieldset.name else ""
    return html('<fieldset class="module aligned {}"{}>{}</fieldset>', fieldset.classes,
                labelled, mark_safe("".join(parts)))


def render_fieldsets(adminform: helpers.AdminForm, *, id_prefix) -> SafeString:
    """Every fieldset of the form, headed ``fieldset-<id_prefix>-<index>-heading`` as the admin's
    change form heads them."""
    return mark_safe("".join(
        render_fieldset(fieldset, heading_id=f"fieldset-{id_prefix}-{index}-heading")
        for index, fieldset in enumerate(adminform)))
