from collections.abc import Callable

from django.http import HttpRequest

from web.access import home_url, signed_in_user


def navigation(request: HttpRequest) -> dict[str, Callable[[], str]]:
    """`home_url` for the header: the signed-in person's home, worked out only if a template
    asks (a callable, which templates call), so API and admin pages pay nothing for it."""

    def home() -> str:
        user = signed_in_user(request)
        return home_url(user) if user is not None else ""

    return {"home_url": home}
