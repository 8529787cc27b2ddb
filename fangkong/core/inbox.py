"""Notifications: an inbox line for each user, written in the transaction of what it announces; e-mail (and,
for users with a phone on file, a text message) sent after commit by a background job, never inside a request's
transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from . import jobs
from .bulk import insert_many
from .models import Notification


def notify(users: Iterable, *, title: str, body: str = "", link: str = "") -> int:
    """Inbox lines for `users` (deduplicated), and an e-mail job for those who have an address."""
    unique = {u.pk: u for u in users if u is not None and u.is_active}
    if not unique:
        return 0
    insert_many([Notification(user_id=pk, title=title[:200], body=body, link=link[:200]) for pk in sorted(unique)])
    jobs.run_after_commit(send_messages, sorted(unique), title[:200], body, link[:200])
    return len(unique)


@jobs.job
def send_messages(user_ids: list[int], title: str, body: str, link: str) -> None:
    """The other channels, after commit: e-mail (Django's configured backend: the console in the demo) to those
    with an address, a text message (core.sms: the log in the demo) to those with a phone on file."""
    from fangkong.core import pii
    from fangkong.core.sms import send_sms

    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).select_related("contact")
    for user in users:
        if user.email:
            send_mail(
                subject=title,
                message=f"{body}\n\n{link}".strip(),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
                fail_silently=True,  # a mail server down must not fail the job for the next recipients
            )
        contact = getattr(user, "contact", None)
        if contact is not None:
            send_sms(pii.decrypt(bytes(contact.phone_cipher)), f"{title} {body}".strip()[:300])


def inbox(*, user):
    return Notification.objects.filter(user=user).order_by("-at", "-id")


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    from fangkong.core import clock

    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=clock.now())
