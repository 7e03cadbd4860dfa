def notifications(request):
    """The unread-notice count for the navigation badge (one query, signed-in users only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": user.notifications.filter(read_at=None).count()}
