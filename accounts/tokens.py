"""Signed, expiring tokens for the links in account mails.

- E-mail confirmation: `EmailConfirmationTokenGenerator`, whose hash covers the address and
  `email_confirmed_at`, so a link works once (and not after the address changes). The link
  carries the user's id too: `<uidb64>.<token>`.
- Password reset: Django's `default_token_generator` (its hash covers the password hash and
  the last sign-in, so a link works once); the link is `/password-reset/<uidb64>/<token>/`.

Both expire after settings.PASSWORD_RESET_TIMEOUT.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.models import User

__all__ = ["confirmation_token_generator", "default_token_generator", "encode_uid", "user_of_uid"]

# Between the user's id and the token of a confirmation link: base64url and the token
# ("<timestamp>-<hash>") never contain a dot.
SEPARATOR = "."


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        confirmed = "" if user.email_confirmed_at is None else user.email_confirmed_at.isoformat()
        return f"{user.pk}{user.email}{confirmed}{timestamp}"


confirmation_token_generator = EmailConfirmationTokenGenerator()


def encode_uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_of_uid(uidb64: str) -> User | None:
    """The user a link's id names, or None for a malformed or unknown one."""
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.filter(pk=pk).first()
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, ValidationError):  # not a user id
        return None


def make_confirmation_token(user: User) -> str:
    return f"{encode_uid(user)}{SEPARATOR}{confirmation_token_generator.make_token(user)}"


def user_of_confirmation_token(token: str) -> User | None:
    """The user whose confirmation link this is, if the link is valid now; else None."""
    uidb64, _, raw = token.partition(SEPARATOR)
    user = user_of_uid(uidb64) if raw else None
    if user is None or not confirmation_token_generator.check_token(user, raw):
        return None
    return user
