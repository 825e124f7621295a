"""Who may open which audience's pages: the one mechanism every page view uses.

`@for_role(User.Role.SME)` on a view: an anonymous visitor is sent to the sign-in page (and
back afterwards); a signed-in person of another role gets a 404, as the API answers for what is
out of reach, so the pages of another audience cannot be probed. What an object page may show
is then the domain selector's decision, as in the API.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from accounts.models import User

View = Callable[..., HttpResponseBase]

# The page each role lands on after signing in.
HOME_URL_NAMES = {
    User.Role.CHAMBER_ADMIN: "console:home",
    User.Role.SME: "sme:home",
    User.Role.SPECIALIST: "specialist:home",
}


def home_url(user: User) -> str:
    """The signed-in person's home: /console/, /sme/ or /specialist/ by role."""
    return reverse(HOME_URL_NAMES[User.Role(user.role)])


def signed_in_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated and user.is_active else None


def for_role(role: User.Role) -> Callable[[View], View]:
    """Only signed-in people of `role` reach the view; see the module docstring."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = signed_in_user(request)
            if user is None:
                return redirect_to_login(request.get_full_path())
            if user.role != role:
                raise Http404
            return view(request, *args, **kwargs)

        return guarded

    return decorate
