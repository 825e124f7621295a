from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from web.access import home_url, signed_in_user


def landing(request: HttpRequest) -> HttpResponse:
    """What the service is, for each audience; a signed-in person goes to their home."""
    user = signed_in_user(request)
    if user is not None:
        return redirect(home_url(user))
    return render(request, "web/landing.html")
