"""Which provincial scoring rules (`indicators.rules`) a form is scored by.

A form uses the rules of its unit's region for its year, else those of the nearest ancestor region
that has some for that year (a province sets them, a county inherits them). `with_rules` finds
them in the same query that loads the forms, so scoring a page of forms reads nothing more.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

from django.core.cache import caches
from django.db.models import CharField, F, JSONField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, JSONObject, Length
from django.db.models.lookups import StartsWith

from indicators.rules import ScoringRules

from .models import Evaluation, ScoringRuleSet

ANNOTATION = "scoring_rules_row"
_DECIMALS = (
    "deviation_over_percent",
    "deviation_penalty",
    "warning_ahead_percent",
    "warning_unspent_percent",
)


def _nearest(year_ref, path_ref):
    if isinstance(path_ref, str):
        path_ref = Value(path_ref)
    return (
        ScoringRuleSet.objects.filter(year_id=year_ref)
        .filter(StartsWith(path_ref, F("region__path")))
        .order_by(Length("region__path").desc())
    )


def with_rules(qs):
    """`qs` of forms, each annotated with its rule set as a JSON row (None where none applies)."""
    row = JSONObject(
        source=F("source"),
        execution_caps=F("execution_caps"),
        region=F("region__name"),
        **{name: Cast(name, CharField()) for name in _DECIMALS},
    )
    nearest = _nearest(OuterRef("year_id"), OuterRef("unit__region__path"))
    return qs.annotate(
        **{ANNOTATION: Subquery(nearest.values(j=row)[:1], output_field=JSONField())}
    )


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def rules_from_row(row: dict | None) -> ScoringRules | None:
    if not row:
        return None
    caps = row.get("execution_caps") or ()
    if isinstance(caps, str):  # SQLite's JSON_OBJECT hands a nested JSON column back as text
        caps = json.loads(caps)
    caps = tuple((_decimal(below), _decimal(most)) for below, most in caps)
    return ScoringRules(
        deviation_over_percent=_decimal(row.get("deviation_over_percent")),
        deviation_penalty=_decimal(row.get("deviation_penalty")) or Decimal(0),
        execution_caps=caps,
        warning_ahead_percent=_decimal(row.get("warning_ahead_percent")),
        warning_unspent_percent=_decimal(row.get("warning_unspent_percent")),
        source=_source_text(row),
    )


def _source_text(row: dict) -> str:
    source = (row.get("source") or "").strip()
    region = row.get("region") or ""
    return f"{region}评分规则" + (f"（{source}）" if source else "")


def as_rules(rule_set: ScoringRuleSet) -> ScoringRules:
    return rules_from_row(
        {
            "source": rule_set.source,
            "execution_caps": rule_set.execution_caps,
            "region": rule_set.region.name,
            **{name: getattr(rule_set, name) for name in _DECIMALS},
        }
    )


def rule_set_for(region, year_id) -> ScoringRuleSet | None:
    """The rule set a form of `region` uses in a year: the region's own or its nearest ancestor's."""
    return _nearest(year_id, region.path).select_related("region").first()


def evaluation_rules(evaluation) -> ScoringRules | None:
    """The rules a stored form is scored by: read from `with_rules`' annotation when the form was
    loaded with it (no query), else looked up (one or two queries)."""
    if hasattr(evaluation, ANNOTATION):
        return rules_from_row(getattr(evaluation, ANNOTATION))
    if not isinstance(evaluation, Evaluation):
        return None  # a migration's historical model: no rules table there
    rule_set = rule_set_for(evaluation.unit.region, evaluation.year_id)
    return as_rules(rule_set) if rule_set is not None else None


_GENERATION_KEY = "scoring-rules-generation"


def rules_generation() -> str:
    """A stamp that changes whenever a rule set changes, so scores cached under the old rules are
    not read again (`selectors.known_scores`)."""
    return caches["figures"].get(_GENERATION_KEY, "0")


def rules_changed() -> None:
    caches["figures"].set(_GENERATION_KEY, uuid.uuid4().hex[:12], timeout=None)
