"""Sign in, sign out and the language switch."""

from typing import Any, Literal, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import services
from accounts.models import User
from web.access import home_url, signed_in_user
from web.account.forms import LoginForm
from web.account.limits import allow_sign_in_attempt


def own_path(request: HttpRequest, url: str) -> bool:
    """A `next` we follow: a path on this site ("/sme/…"), never another host or scheme."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False)
    )


def remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=cast(Literal["Lax", "Strict", "None"], settings.LANGUAGE_COOKIE_SAMESITE),
    )


class LoginView(auth_views.LoginView):
    template_name = "web/account/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        url = self.request.POST.get(self.redirect_field_name, self.request.GET.get(self.redirect_field_name, ""))
        return url if own_path(self.request, url) else ""

    def get_default_redirect_url(self) -> str:
        user = signed_in_user(self.request)
        return home_url(user) if user is not None else "/"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not allow_sign_in_attempt(request):
            form = self.get_form()
            form.is_valid()  # keeps what was typed; the password is never shown again
            form.errors.clear()
            form.add_error(None, _("Too many sign-in attempts. Wait a minute and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # Pages follow the language the person chose (stored on the user), from this sign-in on.
        user = form.get_user()
        remember_language(response, user.language)
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET): a link cannot sign anybody out."""

    next_page = "web:home"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are signed out."))
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the cookie), and for a signed-in person the stored language too,
    which their mails follow."""
    language = request.POST.get("language", "")
    user = signed_in_user(request)
    if user is not None and language in User.Language.values and language != user.language:
        services.update_me(user=user, language=language)
    return django_set_language(request)
