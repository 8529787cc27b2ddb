"""Notifications: an inbox line for each user, written in the transaction of what it announces; e-mail (and,
for users with a phone on file, a text message) sent after commit by a background job, never inside a request's
transaction.

A notification is written once and read by people who may each use another language: its title and body are
given as lazy text (gettext_lazy, or `words` around one with its parameters) and stored rendered in every
language the site speaks; the inbox shows the reader's. The e-mail and text message go in the district's language
(settings.LANGUAGE_CODE), as its other letters do."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.functional import Promise

from . import jobs
from .bilingual import in_each_language
from .bilingual import words as words  # the call sites compose their notifications with it
from .bulk import insert_many
from .models import Notification


def notify(users: Iterable, *, title: Promise, body: Promise | str = "", link: str = "") -> int:
    """Inbox lines for `users` (deduplicated), and an e-mail job for those who have an address.

    `title` must be lazy text: a title rendered in the writer's language would reach a reader of another in the
    wrong one (a plain str is refused, so a call site that forgets fails its first test). `body` may be data as
    typed (a reviewer's note) or lazy text."""
    if not isinstance(title, Promise):
        raise TypeError("notify(title=...) takes lazy text (gettext_lazy or core.inbox.words), not a rendered str")
    unique = {u.pk: u for u in users if u is not None and u.is_active}
    if not unique:
        return 0
    titles, bodies = in_each_language(title, 200), in_each_language(body)
    texts = {code: [titles[code], bodies[code]] for code in titles}
    with translation.override(settings.LANGUAGE_CODE):
        own_title, own_body = str(title)[:200], str(body)
    insert_many(
        [
            Notification(user_id=pk, title=own_title, body=own_body, link=link[:200], texts=texts)
            for pk in sorted(unique)
        ]
    )
    jobs.run_after_commit(send_messages, sorted(unique), own_title, own_body, link[:200])
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
