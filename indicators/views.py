from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse

from .models import IndicatorDefinition

MAX_RESULTS = 15


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
