"""Sign in and out, the language switch, and the account's life: sign-up and the confirmation of
the address, password reset, accepting an invitation, and the person's settings. Thin views: a
Django form, one service call (accounts.services, accounts.lifecycle), a message and a redirect."""

from typing import Any, Literal, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import lifecycle, services
from accounts.models import Invitation, User
from marketplace.errors import DomainError
from web.access import home_url, signed_in_user
from web.account import forms
from web.account.forms import LoginForm
from web.account.limits import allow_attempt, allow_sign_in_attempt
from web.pages import Action, acting, page, show_refusal


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


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A page with a form: 400 when the form was refused, so a test or a client can tell."""
    form = context.get("form")
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, template, context, status=status)


def _too_many(form: Form) -> None:
    form.errors.clear()
    form.add_error(None, _("Too many attempts. Wait a minute and try again."))


def _language() -> str:
    language = (get_language() or "ja")[:2]
    return language if language in User.Language.values else User.Language.JA


# --- sign-up and the confirmation of the address -------------------------------------------


def signup(request: HttpRequest) -> HttpResponse:
    """SME or specialist, name, address, password → an account (signed in at once) and the
    confirmation mail; then the page that says to open it."""
    user = signed_in_user(request)
    if user is not None:
        return redirect(home_url(user))
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not allow_attempt(request, "sign-up"):
            _too_many(form)
            return render(request, "web/account/signup.html", {"form": form}, status=429)
        try:
            user = services.register_user(**form.cleaned_data, language=_language())
        except (DomainError, DjangoValidationError) as exc:
            show_refusal(form, exc)
        else:
            login(request, user)
            return redirect("web:confirm_email_sent")
    return _render(request, "web/account/signup.html", {"form": form})


@login_required
def confirm_email_sent(request: HttpRequest) -> HttpResponse:
    """ "Open the link we mailed you", and sending it again (or, once confirmed, that it is)."""
    user = acting(request)
    actions = {
        "resend": Action(
            forms.ResendConfirmationForm,
            lambda data: lifecycle.send_email_confirmation(user=user),
            gettext_lazy("We sent a new confirmation link to your address."),
        ),
    }
    return page(request, "web/account/confirm_email_sent.html", {"person": user}, actions)


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: the address counts as confirmed, once; a used or expired link says so
    and, for a signed-in person still unconfirmed, offers a new one."""
    try:
        lifecycle.confirm_email(token=token)
    except DomainError as exc:
        user = signed_in_user(request)
        context = {
            "refusal": exc.message,
            "person": user,
            "resend_form": forms.ResendConfirmationForm(prefix="resend", initial={"action": "resend"}),
        }
        return render(request, "web/account/confirm_email.html", context)
    messages.success(request, _("Your email address is confirmed."))
    return redirect("web:home")


# --- password reset ------------------------------------------------------------------------


def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    form = forms.PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not allow_attempt(request, "password-reset"):
            _too_many(form)
            return render(request, "web/account/password_reset.html", {"form": form}, status=429)
        lifecycle.request_password_reset(email=form.cleaned_data["email"])
        return redirect("web:password_reset_sent")
    return _render(request, "web/account/password_reset.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/account/password_reset_sent.html")


def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The mailed link: a new password, once, before the link expires; then sign in with it (the
    reset ended every other session and revoked the API's refresh tokens)."""
    if lifecycle.user_of_reset_link(uidb64=uidb64, token=token) is None:
        return render(request, "web/account/password_reset_confirm.html", {"valid_link": False})
    form = forms.SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.reset_password(uidb64=uidb64, token=token, password=form.cleaned_data["password"])
        except (DomainError, DjangoValidationError) as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Your password was changed. Sign in with the new one."))
            return redirect("web:login")
    return _render(request, "web/account/password_reset_confirm.html", {"form": form, "valid_link": True})


# --- invitations ---------------------------------------------------------------------------


def invite(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's link: name and password → the account is active, signed in, at its home.
    A link used, withdrawn or expired says so, and who to ask for a new one."""
    invitation = lifecycle.invitation_of_token(token)
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return render(request, "web/account/invite.html", {"invitation": invitation, "form": None})
    form = forms.AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Counted like a sign-in: for an address that has an account, the password is checked here.
        if not allow_attempt(request, "invitation"):
            _too_many(form)
            return render(request, "web/account/invite.html", {"invitation": invitation, "form": form}, status=429)
        try:
            user = lifecycle.accept_invitation(token=token, **form.cleaned_data)
        except (DomainError, DjangoValidationError) as exc:
            show_refusal(form, exc)
        else:
            login(request, user)
            messages.success(request, _("Welcome to Tcyss. Your account is ready."))
            response = redirect(home_url(user))
            remember_language(response, user.language)
            return response
    return _render(request, "web/account/invite.html", {"invitation": invitation, "form": form})


# --- settings ------------------------------------------------------------------------------


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """Name and language, the password (the current one required), the address's confirmation;
    notification preferences and the calendar feed have their own sections."""
    user = acting(request)

    def change_password(data: dict[str, Any]) -> User:
        changed = lifecycle.change_password(user=user, **data)
        update_session_auth_hash(request, changed)  # this session stays; the others end
        return changed

    actions = {
        "profile": Action(
            forms.prefilled(forms.ProfileForm, name=user.name, language=user.language),
            lambda data: services.update_me(user=user, **data),
            gettext_lazy("Your details are saved."),
        ),
        "password": Action(
            forms.PasswordChangeForm,
            change_password,
            gettext_lazy("Your password is changed. Other devices and apps must sign in again."),
        ),
    }
    if not user.is_email_confirmed:
        actions["resend"] = Action(
            forms.ResendConfirmationForm,
            lambda data: lifecycle.send_email_confirmation(user=user),
            gettext_lazy("We sent a new confirmation link to your address."),
        )
    response = page(request, "web/account/settings.html", {"person": user}, actions)
    if request.method == "POST" and response.status_code == 302 and "profile-action" in request.POST:
        remember_language(response, user.language)  # update_me refreshed `user`
    return response
