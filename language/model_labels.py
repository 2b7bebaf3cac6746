"""Every label the admin and the forms take from our models, in the reader's language.

Models, fields and choices were written with plain English labels (and Django derives a field's
label from its name when none is given). At start-up ``translate_model_labels`` wraps each of them
in ``gettext_lazy``: the admin, ModelForms and ``get_FOO_display`` then read them in the active
language. The English texts reach the translation catalogue through ``language/model_strings.py``,
which ``manage.py model_strings`` writes (a test fails when it is out of date).
"""

from __future__ import annotations

import enum

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

OUR_PACKAGES = ("claims", "coverage", "policies", "privacy", "config", "language")


def _ours(module: str) -> bool:
    return module.split(".", 1)[0] in OUR_PACKAGES


def _lazy(text):
    if text is None or isinstance(text, Promise) or not str(text).strip():
        return text
    return gettext_lazy(str(text))


def _choices_enums() -> list[type[models.Choices]]:
    found, todo = [], [models.Choices]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if _ours(cls.__module__) and issubclass(cls, enum.Enum):
            found.append(cls)
    return found


def _our_models():
    return [model for model in apps.get_models() if _ours(model.__module__)]


def _fields(model):
    return [field for field in model._meta.get_fields(include_hidden=False)
            if getattr(field, "verbose_name", None) is not None and not field.auto_created
            or getattr(field, "concrete", False)]


def _english(text) -> str:
    args = getattr(text, "_args", None) if isinstance(text, Promise) else None
    return str(args[0]) if args else str(text)


def _plural(opts) -> object:
    """Django's default plural is a lazy "{}s" of the name: spell it out so it is translated."""
    plural = opts.verbose_name_plural
    args = getattr(plural, "_args", None) if isinstance(plural, Promise) else None
    if args and args[0] == "{}s":
        name = _english(opts.verbose_name)
        spelled = name[:-1] + "ies" if name.endswith("y") and name[-2:-1] not in "aeiou" else (
            name + "s")
        return gettext_lazy(spelled)
    return _lazy(plural)


def _our_apps():
    return [config for config in apps.get_app_configs() if _ours(config.name)]


def translate_model_labels() -> None:
    for config in _our_apps():
        config.verbose_name = _lazy(config.verbose_name)
    for choices in _choices_enums():
        for member in choices:
            member._label_ = _lazy(member._label_)
    for model in _our_models():
        opts = model._meta
        opts.verbose_name_plural = _plural(opts)
        opts.verbose_name = _lazy(opts.verbose_name)
        for field in _fields(model):
            field.verbose_name = _lazy(field.verbose_name)
            if isinstance(field.help_text, str):
                field.help_text = _lazy(field.help_text)
            if field.choices and all(isinstance(choice, (list, tuple)) and len(choice) == 2
                                     and not isinstance(choice[1], (list, tuple))
                                     for choice in field.choices):
                field.choices = [(value, _lazy(label)) for value, label in field.choices]


def model_strings() -> list[str]:
    """The English texts translate_model_labels makes translatable (for the catalogue)."""
    texts: set[str] = set()

    def add(text):
        if text is not None and str(text).strip():
            args = getattr(text, "_args", None) if isinstance(text, Promise) else None
            texts.add(str(args[0]) if args else str(text))

    for config in _our_apps():
        add(config.verbose_name)
    for choices in _choices_enums():
        for member in choices:
            add(member._label_)
    for model in _our_models():
        add(model._meta.verbose_name)
        add(_plural(model._meta))
        for field in _fields(model):
            add(field.verbose_name)
            add(field.help_text)
            for _value, label in field.choices or []:
                if not isinstance(label, (list, tuple)):
                    add(label)
    return sorted(texts)


def render_module() -> str:
    lines = ["# ruff: noqa: E501",
             '"""Written by `manage.py model_strings`: the model labels the admin shows, for',
             'makemessages (see language/model_labels.py). Do not edit."""', "",

             "from django.utils.translation import gettext_noop", "", "MODEL_STRINGS = ["]
    for text in model_strings():
        lines.append(f"    gettext_noop({text!r}),")
    lines += ["]", ""]
    return "\n".join(lines)
