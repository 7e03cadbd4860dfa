from django import template
from django.utils import timezone

from followup.selectors import overdue_items

register = template.Library()


@register.simple_tag
def overdue_rectifications(user) -> int:
    """How many 整改 items in the user's scope are past their deadline and not accepted."""
    return overdue_items(user, timezone.localdate()).count()
