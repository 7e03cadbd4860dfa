"""A region's provincial scoring rules for a year, and the stored figures they change."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from .. import printed
from ..models import Evaluation, ScoringRuleSet, Year
from ..rulesets import rules_changed
from ..selectors import with_lines
from .transitions import FIGURE_FIELDS, _set_figures


def scoring_rules_set(
    *, user, region, year: Year, figures: dict, source: str = ""
) -> ScoringRuleSet:
    """Set a region's provincial scoring rules for a year (`indicators.rules`; figures: the
    ScoringRuleSet fields). The handed-in forms beneath the region store their 总分 and 等级 anew
    under the new rules, and scores cached under the old ones are not read again."""
    rule_set, _ = ScoringRuleSet.objects.update_or_create(
        region=region,
        year=year,
        defaults={**figures, "source": source, "updated_at": timezone.now()},
    )
    handed_in = Evaluation.objects.filter(region.subtree_q("unit__region__"), year=year).exclude(
        status__in=Evaluation.EDITABLE_STATUSES
    )
    for evaluation in with_lines(handed_in.select_for_update(of=("self",))):
        _set_figures(evaluation, loaded=True)
        evaluation.save(update_fields=FIGURE_FIELDS)
        # Its stored PDF shows the old 总分: the next download renders it anew (printed.py).
        transaction.on_commit(lambda pk=evaluation.pk: printed.discard(pk))
    # Now, and again once committed, so a score cached meanwhile under the old rules is not kept.
    rules_changed()
    transaction.on_commit(rules_changed)
    audit_record(
        user=user,
        action="scoring_rules",
        detail={
            "region": region.name,
            "year": year.year,
            **{k: str(v) for k, v in figures.items()},
        },
    )
    return rule_set
