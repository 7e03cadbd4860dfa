"""An absolute limit on a login: SESSION_COOKIE_AGE after the moment of login, however busy.

Django's own expiry counts from the session's last save, so a session in daily use could live on
for weeks; here the login time is stamped on the session and a login older than the limit is
ended (the user logs in again). The cookie itself ends with the browser
(SESSION_EXPIRE_AT_BROWSER_CLOSE).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

KEY = "login_at"
EXPIRED = "登录已超过{hours}小时，请重新登录。"


class LoginDeadlineMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            login_at = request.session.get(KEY)
            if login_at is not None and time.time() - login_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                hours = round(settings.SESSION_COOKIE_AGE / 3600, 1)
                messages.info(request, EXPIRED.format(hours=f"{hours:g}"))
                return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        # Stamp the login on the response that logged in (login() gives a fresh session).
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and hasattr(request, "session")
            and KEY not in request.session
        ):
            request.session[KEY] = time.time()
        return response
