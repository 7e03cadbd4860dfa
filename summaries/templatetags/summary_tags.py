from decimal import Decimal

from django import template

register = template.Library()


@register.simple_tag
def get_count(row, status) -> int:
    return row.counts[status]


@register.simple_tag
def get_grade(row, grade) -> int:
    return row.scores.grades[grade]


@register.filter
def money(value) -> str:
    """万元 with two decimals and thousands separators: 11431.62 → 11,431.62."""
    if value is None:
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def pct(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"
