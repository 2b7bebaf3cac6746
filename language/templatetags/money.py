"""``{{ amount|money }}``: 1.400,50 € in German, €1,400.50 in English (builtin everywhere)."""

from django import template

from language.money import format_amount

register = template.Library()


@register.filter(name="money", is_safe=True)
def money(value):
    return format_amount(value)


@register.filter(name="amount", is_safe=True)
def amount(value):
    """The number alone (a table whose header already says €)."""
    return format_amount(value, currency=False)
