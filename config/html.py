"""HTML written in Python, escaped as Django escapes it, without its per-call wrappers.

Django's ``escape`` is wrapped by ``keep_lazy`` (every call looks through its arguments for a lazy
string first) and ``conditional_escape`` and ``format_html`` build a ``SafeString`` at every step.
The claim page writes its fieldsets, tables and widgets in Python (``claims.admin``), with
hundreds of escapes a page; these helpers took about 3% off its CPU. ``escaped`` and
``html`` give the same text as ``conditional_escape`` and ``format_html`` (the tests compare them
on text, numbers, lazy strings, safe strings and objects with ``__html__``); only the finished
piece is marked safe.
"""

from __future__ import annotations

from html import escape as _escape

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def escaped(value) -> str:
    """``conditional_escape(value)`` as a plain ``str``: safe text (``__html__``) as it is,
    anything else as text with ``& < > " '`` escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def html(template: str, *args, **kwargs) -> SafeString:
    """``format_html(template, *args, **kwargs)``: the arguments escaped (``escaped``), the
    template not."""
    return SafeString(template.format(*map(escaped, args),
                                      **{name: escaped(value) for name, value in kwargs.items()}))
