"""The page a refused CSRF check gets (CSRF_FAILURE_VIEW), in Chinese. The 400 and 500 pages
are the static templates 400.html and 500.html that Django's own handlers render without a
request, so they show even when the database is down."""

from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render


def csrf_failure(request, reason=""):
    return render(
        request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403
    )
