from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse

from .judgement import STATUS_LABELS, LineInput, score_form, stated_target
from .models import IndicatorDefinition

MAX_RESULTS = 15
MAX_TEXT = 200  # as long as a target or actual may be stored


@login_required
def search(request):
    """Search-as-you-type for the entry form's picker: definitions whose name contains the query."""
    query = request.GET.get("q", "").strip()[:50]
    if not query:
        return JsonResponse({"results": []})
    found = IndicatorDefinition.objects.filter(active=True).filter(
        Q(name__icontains=query) | Q(level2__icontains=query)
    )[:MAX_RESULTS]
    return JsonResponse(
        {
            "results": [
                {
                    "id": d.pk,
                    "name": d.name,
                    "level1": d.level1,
                    "level2": d.level2,
                    "unit": d.unit,
                    "typical_target": d.typical_target,
                }
                for d in found
            ]
        }
    )


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        return None
    return value if value.is_finite() and 0 <= value <= 100 else None


@login_required
def judge(request):
    """The judgement of one line as it is typed on the entry form, for its badge.

    `target` and `actual` are the texts (with `nature` and `unit`, the 指标性质 and 度量单位 of
    forms that print them in columns of their own); with `weight` (and `percent`, the share
    chosen for a qualitative line) the suggested score comes too. `needs_person` says the rules cannot score
    the line, so the page offers the completion-share choice.
    """
    target = stated_target(
        request.GET.get("nature", "")[:MAX_TEXT],
        request.GET.get("target", "")[:MAX_TEXT],
        request.GET.get("unit", "")[:MAX_TEXT],
    )
    actual = request.GET.get("actual", "")[:MAX_TEXT]
    weight = _number(request.GET.get("weight", ""))
    percent = _number(request.GET.get("percent", ""))
    fraction = percent / 100 if percent is not None else None
    # Weight 1 when none is typed yet: the verdict and whether a person decides do not depend
    # on it. No budget is given, so the budget warnings of the result are ignored.
    probe = LineInput("", target, actual, 1 if weight is None else weight, fraction)
    line = score_form([probe], None, None).lines[0]
    j = line.judgement
    suggested = line.suggested if weight is not None else None
    return JsonResponse(
        {
            "status": j.status,
            "label": STATUS_LABELS[j.status],
            "explanation": j.explanation,
            "needs_reason": j.needs_reason,
            "overshoot": j.overshoot,
            "needs_person": line.band is not None or line.suggested is None,
            "suggested": None if suggested is None else f"{suggested.normalize():f}",
            "basis": line.basis if weight is not None else "",
        }
    )
