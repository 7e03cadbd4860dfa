from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html, format_html_join

from evaluations.extensions import form_notes, print_variants
from indicators.rules import describe as describe_rules

from ..exports.layout import format_points
from ..selectors import stated_differences

register = template.Library()

# The three bands of a qualitative line as 2019 中央对地方转移支付 绩效自评表 注3 words them (seed 004).
BAND_WORDS = (
    "全部或基本达成预期指标",
    "部分达成预期指标并具有一定效果",
    "未达成预期指标且效果较差",
)
# Steps offered inside a band: fine enough for a judgement, few enough to scan.
BAND_STEP = 5


@register.simple_tag
def level_input(bound_field, lists):
    """A line's 一级 or 二级 as a text input: typed as the form words it (产出指标（指标）), with
    the usual names offered from a <datalist> of `lists` (forms.level_lists) — for a 二级, those
    of the line's 一级."""
    role = bound_field.name
    if role == "level1":
        list_id = lists.level1_id
    else:
        list_id = lists.level2_ids.get(bound_field.form["level1"].value() or "", lists.level2_all)
    return bound_field.as_widget(
        attrs={
            "class": "form-control form-control-sm",
            "list": list_id,
            "data-role": role,
            "autocomplete": "off",
            "aria-label": bound_field.label,
        }
    )


def _as_decimal(value):
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def band_percents(bands):
    """(band label, [percent, …]) per qualitative band, best first. A band holds its lower edge
    (100–80 % 含80), so each band after the first starts one step below its upper edge."""
    groups = []
    for i, (upper, lower) in enumerate(bands):
        top = upper if i == 0 else upper - BAND_STEP
        percents = list(range(top, lower - 1, -BAND_STEP))
        edge = f"，含{lower}%" if lower else ""
        label = f"{upper}%–{lower}%{edge}"
        if len(bands) == len(BAND_WORDS):
            label = f"{BAND_WORDS[i]}（{label}）"
        groups.append((label, percents))
    return groups


@register.simple_tag
def band_select(bound_field, template_def):
    """The 完成比例 <select> of a qualitative line, grouped by the template's bands; a stored
    share that is not one of the steps stays selected as it is."""
    raw = bound_field.value()
    current = _as_decimal(raw) if raw not in (None, "") else None
    groups = band_percents(template_def.qualitative_bands)
    offered = {Decimal(p) for _, percents in groups for p in percents}
    parts = [
        format_html(
            '<option value=""{}>请选择</option>', "" if current is not None else " selected"
        )
    ]
    if current is not None and current not in offered:
        parts.append(
            format_html('<option value="{}" selected>{}%</option>', raw, current.normalize())
        )
    for label, percents in groups:
        options = format_html_join(
            "",
            '<option value="{}"{}>{}%</option>',
            ((p, " selected" if current == p else "", p) for p in percents),
        )
        parts.append(format_html('<optgroup label="{}">{}</optgroup>', label, options))
    return format_html(
        '<select name="{}" id="{}" class="form-select form-select-sm" data-role="band" '
        'aria-label="定性指标完成比例">{}</select>',
        bound_field.html_name,
        bound_field.auto_id,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


@register.filter
def person(user):
    """A user's name as people read it: full name, else login name; empty for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def points(value):
    """A score as printed: 8.5, 10, 0.99; empty for none (or a missing variable, which the
    template engine passes as "")."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    return format_points(value) if isinstance(value, Decimal) else ""


@register.filter
def rules_text(rules):
    """A form's provincial scoring rules in one sentence with their source (indicators.rules)."""
    return describe_rules(rules) if rules is not None else ""


@register.simple_tag
def notes_of(evaluation):
    """What apps above this one say about the form (evaluations.extensions.form_notes)."""
    return form_notes(evaluation)


@register.inclusion_tag("evaluations/_stated_figures.html")
def stated_figures(evaluation, score):
    """Figures the form states (printed as stated) that differ from what the app computes, both
    shown to the reviewer."""
    return {"differences": stated_differences(evaluation, score)}


@register.simple_tag
def print_variants_of(evaluation, user):
    """(key, label) of the print variants `user` may download (evaluations.extensions)."""
    return print_variants(evaluation, user)
