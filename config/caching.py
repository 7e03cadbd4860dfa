"""No copy of a logged-in user's page or file is kept: forms are opened on shared office PCs,
and a browser's or proxy's cache would show them to the next person at the desk."""

PRIVATE = "private, no-store"


class PrivateResponsesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Replaces whatever a view set: nothing shown to a logged-in user may be stored.
            response["Cache-Control"] = PRIVATE
            if "Expires" in response:
                del response["Expires"]
        return response
