"""Dates in a list as ``django.utils.formats.date_format`` writes them, without parsing the
format for every cell.

The list shows up to 150 dates a page; ``date_format`` looks up the format and splits it into
specifiers for each one. ``compiled(format)`` turns a format of the common specifiers (``d j m n
Y y H G i s`` and literal text, as the German and English formats are) into one function once,
and leaves any other format to ``date_format``; the text is the same either way.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from functools import lru_cache
from operator import attrgetter

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.translation import get_language

_SPECIFIERS: dict[str, Callable] = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
}
_TIME_SPECIFIERS: dict[str, Callable] = {
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
}
# Django's format characters (django.utils.dateformat.re_formatchars), unescaped.
_FORMAT_CHARS = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")


# The specifiers written as one ``%`` format of the value's attributes (all but ``y``).
_PERCENT: dict[str, tuple[str, str]] = {
    "d": ("%02d", "day"), "j": ("%d", "day"), "m": ("%02d", "month"), "n": ("%d", "month"),
    "Y": ("%04d", "year"), "H": ("%02d", "hour"), "G": ("%d", "hour"), "i": ("%02d", "minute"),
    "s": ("%02d", "second"),
}


@lru_cache(maxsize=64)
def compiled(format_string: str, with_time: bool) -> Callable | None:
    """A function writing a date (``with_time``: a datetime) in ``format_string``, or None
    when the format uses a specifier it does not know."""
    known = {**_SPECIFIERS, **(_TIME_SPECIFIERS if with_time else {})}
    parts: list[Callable | str] = []
    percent: list[str] = []  # the same as one "%" format, while every specifier has one
    attributes: list[str] = []
    for index, piece in enumerate(_FORMAT_CHARS.split(format_string)):
        if index % 2:
            if piece not in known:
                return None
            parts.append(known[piece])
            if percent is not None and piece in _PERCENT:
                percent.append(_PERCENT[piece][0])
                attributes.append(_PERCENT[piece][1])
            else:
                percent = None
        elif piece:
            literal = _ESCAPED.sub(r"\1", piece)
            parts.append(literal)
            if percent is not None:
                percent.append(literal.replace("%", "%%"))

    if percent is not None and attributes:
        template, values = "".join(percent), attrgetter(*attributes)
        if len(attributes) == 1:
            return lambda value: template % (values(value),)
        return lambda value: template % values(value)

    def write(value) -> str:
        return "".join(part if isinstance(part, str) else part(value) for part in parts)

    return write


class LocalFormats:
    """The active language's date formats, each compiled once."""

    def __init__(self):
        self.language = get_language()
        self._date = self._writer("DATE_FORMAT", with_time=False)
        self._datetime = self._writer("DATETIME_FORMAT", with_time=True)
        self._short_datetime = self._writer("SHORT_DATETIME_FORMAT", with_time=True)

    @staticmethod
    def _writer(name: str, *, with_time: bool) -> Callable:
        write = compiled(str(formats.get_format(name)), with_time)
        if write is None:
            return lambda value: formats.date_format(value, name)
        return write

    def date(self, value: datetime.date) -> str:
        """``formats.localize`` of a date."""
        return self._date(value)

    def datetime(self, value: datetime.datetime) -> str:
        """``formats.localize(timezone.template_localtime(value))``: in the current time zone."""
        return self._datetime(timezone.template_localtime(value))

    def datetime_writer(self) -> Callable[[datetime.datetime], str]:
        """``datetime`` for the cells of one page: the current time zone looked up once."""
        write = self._datetime
        if not settings.USE_TZ:
            return write
        zone = timezone.get_current_timezone()

        def write_local(value: datetime.datetime) -> str:
            # template_localtime: an aware datetime not marked otherwise, in the current zone
            if (isinstance(value, datetime.datetime) and value.utcoffset() is not None
                    and getattr(value, "convert_to_local_time", True)):
                value = value.astimezone(zone)
            return write(value)

        return write_local

    def short_datetime(self, value: datetime.datetime) -> str:
        """``date_format(value, "SHORT_DATETIME_FORMAT")`` (no time zone conversion)."""
        return self._short_datetime(value)


_BY_LANGUAGE: dict[str | None, LocalFormats] = {}


def local_formats() -> LocalFormats:
    """The active language's formats (made once per language)."""
    language = get_language()
    if language not in _BY_LANGUAGE:
        _BY_LANGUAGE[language] = LocalFormats()
    return _BY_LANGUAGE[language]


@receiver(setting_changed)
def _forget_formats(*, setting, **kwargs):
    """Tests that change a format setting or the languages get the new formats."""
    if setting in formats.FORMAT_SETTINGS or setting in {
            "LANGUAGE_CODE", "LANGUAGES", "FORMAT_MODULE_PATH", "USE_L10N"}:
        _BY_LANGUAGE.clear()
