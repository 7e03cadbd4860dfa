from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


def _options(choices, current):
    values = list(choices)
    if current and current not in values:
        values.insert(0, current)  # a label typed on an older form stays selectable, verbatim
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, " selected" if v == current else "", v) for v in values),
    )


@register.simple_tag
def level_select(bound_field, template_def, kind="level1", level1_value=""):
    """A <select> for 一级 (kind "level1") or 二级 (kind "level2", under `level1_value`)
    indicators from the template's taxonomy, keeping any value the line already has even when
    the taxonomy does not list it."""
    current = bound_field.value() or ""
    if kind == "level1":
        choices = [""] + list(template_def.level1_names)
    else:
        level = template_def.level1(level1_value or "")
        choices = [""] + list(level.level2 if level else [])
    return format_html(
        '<select name="{}" id="{}" class="form-select form-select-sm" data-role="{}" '
        'aria-label="{}">{}</select>',
        bound_field.html_name,
        bound_field.auto_id,
        kind,
        bound_field.label,
        _options(choices, current),
    )


@register.filter
def person(user):
    """A user's name as people read it: full name, else login name; empty for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
