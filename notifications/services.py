"""Write a notification with its event; send it after commit (or in the person's daily digest);
sweep what the broker lost. People choose per kind (notifications/kinds.py) in /settings/."""

import datetime
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace import links, outbox
from marketplace.celery import send, send_on_commit
from marketplace.errors import ValidationFailed
from notifications import kinds
from notifications.models import CalendarFeed, DigestMail, Notification, NotificationPreference

logger = logging.getLogger(__name__)

LANGUAGES = ("ja", "en")

# A link for each recipient: one address, or a function of the recipient (an engagement's mail
# points the company at its page and the specialist at theirs).
Link = str | Callable[[Any], str]


def by_role(**links_by_role: str) -> Callable[[Any], str]:
    """A link that depends on the recipient's role: by_role(sme=..., specialist=...)."""
    return lambda user: links_by_role[str(user.role)]


def render(kind: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject (first line) and body from `notifications/<kind>.<language>.txt`."""
    language = language if language in LANGUAGES else settings.LANGUAGE_CODE
    with translation.override(language):
        text = render_to_string(f"notifications/{kind}.{language}.txt", context | {"language": language})
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def deliveries(users: Iterable[Any], kind: str) -> dict[Any, str]:
    """How each of `users` gets `kind`: their preference, else the kind's default; a
    law-required kind is always immediate."""
    spec = kinds.kind(kind)
    chosen: dict[Any, str] = {user.pk: spec.default for user in users}
    if spec.legally_required or not chosen:
        return chosen
    rows = NotificationPreference.objects.filter(user_id__in=list(chosen), kind=kind).values_list("user_id", "delivery")
    for user_id, delivery in rows:
        chosen[user_id] = delivery
    return chosen


def notify(
    *,
    kind: str,
    recipients: Iterable[Any],
    event_key: str,
    context: dict[str, Any],
    link: Link | None = None,
    include_inactive: bool = False,
) -> list[Notification]:
    """Queue one message per recipient for this event, in the recipient's language, with the
    absolute link (marketplace.links) of the page where the thing is done.

    Call inside the event's transaction: the rows commit or roll back with it, the send is
    enqueued only on commit, and a repeat of the same event adds nothing. A recipient who turned
    the kind off gets no row; one who chose the digest gets a row that waits for send_digests.
    Inactive people get nothing, unless `include_inactive`: an invitation goes to a person
    whose account is not active until they accept it (accounts.lifecycle).
    """
    if link is None and "link" not in context:
        raise ValueError(f"notification {kind!r} has no link")
    people = {user.pk: user for user in recipients if user is not None and (user.is_active or include_inactive)}
    chosen = deliveries(people.values(), kind)
    created = []
    for user in people.values():
        delivery = chosen[user.pk]
        if delivery == kinds.OFF:
            continue
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        extra = {"recipient": user}
        if link is not None:
            extra["link"] = link(user) if callable(link) else link
        subject, body = render(kind, language, {**context, **extra})
        notification, was_created = Notification.objects.get_or_create(
            event_key=event_key,
            recipient=user,
            defaults={
                "kind": kind,
                "language": language,
                "email": user.email,
                "subject": subject,
                "body": body,
                "digest": delivery == kinds.DIGEST,
            },
        )
        if was_created:
            if not notification.digest:
                send_on_commit("notifications.deliver_notification", str(notification.pk))
            created.append(notification)
    return created


def deliver_notification(*, notification_id: str) -> bool:
    """Send one row, once (the outbox claim): a row already sent, or held by another sender,
    is left alone; a send that fails releases the claim and re-raises (the task retries).
    A row waiting for the digest is not sent here."""
    rows = Notification.objects.filter(digest=False)
    claimed = outbox.claim(rows, done="sent_at", pk=notification_id)
    if claimed is None:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        send_mail(notification.subject, notification.body, None, [notification.email])
    except Exception as exc:
        outbox.release(rows, exc, pk=notification_id, claimed_at=claimed)
        raise
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), last_error="")
    return True


def sweep_notifications() -> int:
    """Beat: re-send rows and digests that waited too long (the broker was down, or a sender died)."""
    mails = outbox.sweep(
        Notification.objects.filter(digest=False),
        done="sent_at",
        created="created_at",
        key="pk",
        resend=lambda pk: send("notifications.deliver_notification", str(pk)),
    )
    return mails + outbox.sweep(
        DigestMail.objects.all(),
        done="sent_at",
        created="created_at",
        key="pk",
        resend=lambda pk: send("notifications.deliver_digest", str(pk)),
    )


# --- preferences --------------------------------------------------------------------------


def preferences_of(user: Any) -> list[tuple[kinds.Kind, str]]:
    """Every kind the person's audience receives, with how they get it now (one query)."""
    mine = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return [
        (spec, spec.default if spec.legally_required else mine.get(spec.name, spec.default))
        for spec in kinds.kinds_for(str(user.role))
    ]


@transaction.atomic
def set_preference(*, user: Any, kind: str, delivery: str) -> NotificationPreference | None:
    """The person chooses how they get `kind`: at once, in the daily digest, or not at all.
    Mails the law or security needs cannot be changed (400); choosing the default removes the row."""
    spec = kinds.KINDS.get(kind)
    if spec is None or str(user.role) not in spec.audience:
        raise ValidationFailed(_("Unknown kind of notification."), field="kind")
    if delivery not in kinds.DELIVERIES:
        raise ValidationFailed(_("Choose at once, daily digest or off."), field="delivery")
    if spec.legally_required:
        raise ValidationFailed(
            _(
                "This mail is required by law or for the security of your account: "
                "it is always sent at once and cannot be changed."
            ),
            field="delivery",
        )
    if delivery == spec.default:
        NotificationPreference.objects.filter(user=user, kind=kind).delete()
        return None
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": delivery}
    )
    return preference


# --- the daily digest ---------------------------------------------------------------------


def _item_text(notification: Notification) -> str:
    """A digest entry: the mail's subject and its body without the greeting line."""
    _greeting, _sep, rest = notification.body.partition("\n\n")
    return f"■ {notification.subject}\n{(rest or notification.body).strip()}"


def send_digests(*, today: datetime.date | None = None) -> int:
    """Daily: one mail per person with every notification that waited for their digest.

    Once per person and day however often this runs: the unique (recipient, day) DigestMail is
    the guard (a second run, or a concurrent one, finds it and skips), and only the run that
    made it attaches the waiting rows. How many digests were written."""
    today = today or timezone.localdate()
    waiting = Notification.objects.filter(digest=True, digest_mail__isnull=True)
    people = list(waiting.order_by().values_list("recipient_id", flat=True).distinct())
    written = 0
    for recipient_id in people:
        with transaction.atomic():
            user = User.objects.get(pk=recipient_id)
            language = user.language if user.language in LANGUAGES else settings.LANGUAGE_CODE
            digest, created = DigestMail.objects.get_or_create(
                recipient=user, day=today, defaults={"language": language, "email": user.email}
            )
            if not created:
                continue  # today's digest went out already; these wait for tomorrow's
            waiting.filter(recipient_id=recipient_id).update(digest_mail=digest)
            items = list(digest.items.order_by("created_at", "id"))
            subject, body = render(
                "digest",
                language,
                {
                    "recipient": user,
                    "day": today,
                    "items": [_item_text(item) for item in items],
                    "count": len(items),
                    "settings_link": links.account_settings(),
                },
            )
            DigestMail.objects.filter(pk=digest.pk).update(subject=subject[:300], body=body)
            send_on_commit("notifications.deliver_digest", str(digest.pk))
            written += 1
    return written


def deliver_digest(*, digest_id: str) -> bool:
    """Send one digest, once (the outbox claim); its notifications count as sent with it."""
    rows = DigestMail.objects.all()
    claimed = outbox.claim(rows, done="sent_at", pk=digest_id)
    if claimed is None:
        return False
    digest = DigestMail.objects.get(pk=digest_id)
    try:
        send_mail(digest.subject, digest.body, None, [digest.email])
    except Exception as exc:
        outbox.release(rows, exc, pk=digest_id, claimed_at=claimed)
        raise
    now = timezone.now()
    DigestMail.objects.filter(pk=digest_id).update(sent_at=now, last_error="")
    Notification.objects.filter(digest_mail=digest).update(sent_at=now)
    return True


# --- the calendar feed's secret URL -------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_calendar_token(*, user: Any) -> str:
    """A new secret for the person's calendar URL, returned once (only its hash is kept); the
    previous URL, if any, stops working."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _token_hash(token)})
    return token


@transaction.atomic
def revoke_calendar_token(*, user: Any) -> bool:
    """The person's calendar URL stops working; whether there was one."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return deleted > 0


def has_calendar_token(user: Any) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()


def user_of_calendar_token(token: str) -> Any:
    """The active person whose calendar URL carries `token`, or None."""
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user
