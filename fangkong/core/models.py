from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock
from .bilingual import pick


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """One row per state change or reveal of personal data. Written by services, never by signals.

    On PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002); the ORM refuses them everywhere.
    `fields` names what changed, with masked values only: the trail itself must not become a leak.
    """

    at = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    # No foreign key: deleting a user must neither cascade into nor be blocked by the trail.
    actor_id = models.BigIntegerField(_("actor id"), null=True, db_index=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    jpath = models.CharField(_("jurisdiction path"), max_length=128, blank=True, db_index=True)
    fields = models.JSONField(_("changed fields"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_addr = models.CharField(_("client address"), max_length=64, blank=True)
    # The chain (core.auditchain): each event, once sealed, carries its place and a keyed hash over its content
    # and the hash of the one before, so that an event altered, removed or cut off the end shows.
    # A keyed MAC over the content, made when the platform writes the event: a row put into the table by anyone
    # else (the database's owner, an injection) carries none that verifies.
    mac = models.CharField(max_length=64, blank=True)
    # Unique within each month's partition on PostgreSQL (core.partitions): the seal hands each seq out once.
    seq = models.BigIntegerField(null=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed"),
            models.Index(fields=["seq"], name="audit_seq"),
        ]
        verbose_name = _("audit event")

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The end of the audit chain: the last sealed event's place and hash. One row. Removing events from the end of
    the trail (or the whole trail) leaves this pointing past what remains, which verification reports."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    macs_from_id = models.BigIntegerField(default=0)  # events with a larger id must carry a MAC (older ones predate it)


class IdempotencyRecord(models.Model):
    """The first reply to a request carrying a client key, replayed for any retry with the same key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    scope = models.CharField(max_length=100)  # the endpoint, so one key cannot collide across endpoints
    key = models.CharField(max_length=128)
    request_hash = models.CharField(max_length=64, blank=True)  # the same key with another body is refused
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(encoder=DjangoJSONEncoder)  # replies carry dates
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique_key"),
        ]


class ApiToken(models.Model):
    """Bearer tokens for the API. Only a SHA-256 of the token is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True)


class StaffContact(models.Model):
    """A staff member's mobile for text-message notifications (encrypted like every phone)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact")
    phone_cipher = models.BinaryField()


class RateCount(models.Model):
    """One counter of a fixed time window, shared by every server process (sign-in attempts, one-time codes,
    public forms): a limit that each worker counted alone would be the limit times the number of workers."""

    subject = models.CharField(max_length=200)  # what is counted and for whom: "signin-fail-account:hq_admin"
    starts = models.BigIntegerField()  # the window's start, in seconds since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject", "starts"], name="ratecount_subject_starts")]
        indexes = [models.Index(fields=["starts"], name="ratecount_starts")]  # the purge


class Notification(models.Model):
    """One user's inbox line. Text messages and e-mail, where configured, are sent after commit by a job
    (core.inbox). Every module tells people through it, so it lives in core, beneath them all."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    at = models.DateTimeField(default=clock.now)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # {language code: [title, body]} in each language the site speaks (core.inbox.notify); `title` and `body`
    # are the district's language, for the e-mail and text message and for lines written before there was this.
    texts = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "command_notification"  # where it was born (moved from command without copying a row)
        indexes = [models.Index(fields=["user", "read_at", "at"], name="notification_inbox")]

    @property
    def title_shown(self) -> str:
        """The title in the reader's language."""
        return pick(self.texts, [self.title, self.body])[0]

    @property
    def body_shown(self) -> str:
        return pick(self.texts, [self.title, self.body])[1]


class HallAlert(models.Model):
    """Something the command hall must see now (a high-risk arrival, a positive pool, a major hazard …), written
    by the module that knows it, in the transaction of the fact (core.alerts.raise_alert): an alert is never
    shown for a fact that rolled back, and never lost for one that committed.

    `subject` says what it is about in data the hall may show on a wall: a checkpoint, a tube code, a community,
    an enterprise — never a person's name or number. Who sees it: the holders of its kind's capability whose
    scope covers `jpath` (core.hall.register_alert_kind)."""

    kind = models.CharField(max_length=48)
    at = models.DateTimeField(default=clock.now)
    subject = models.CharField(max_length=200)
    link = models.CharField(max_length=200, blank=True)
    jpath = models.CharField(max_length=128)
    ref = models.CharField(max_length=64, blank=True)  # "containment.case:12": the record, to dispatch from it once
    # {language code: subject} where the subject was composed of words (a zone level's name): core.alerts.raise_alert
    subjects = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["at", "id"], name="hallalert_at"),
            models.Index(fields=["jpath"], name="hallalert_jpath", opclasses=["varchar_pattern_ops"]),
            # A time-derived alert (a transfer late at its step) is raised once: the sweep asks which refs exist.
            models.Index(fields=["ref"], name="hallalert_ref", condition=~models.Q(ref="")),
        ]

    @property
    def subject_shown(self) -> str:
        """The subject in the reader's language."""
        return pick(self.subjects, self.subject)


class DailyCount(models.Model):
    """How many of something happened per day under each finest jurisdiction — samples taken, closed-loop cases
    opened and released, hazards found and closed …: the command hall's 30-day trends read a few thousand of these
    rows instead of grouping millions of records by day. Kept in step by the writes they count (core.daily, in the
    writer's transaction); `core.daily.rebuild` recomputes a metric from its records (after a bulk load, a
    restore). Spread over SHARDS rows per key so that concurrent writers rarely wait on one row's lock."""

    metric = models.CharField(max_length=48)  # "testing.samples"
    day = models.DateField()  # the district's calendar day
    jpath = models.CharField(max_length=128)
    shard = models.PositiveSmallIntegerField(default=0)
    n = models.PositiveIntegerField(default=0)
    JPATH_SUM = "n"  # registry.tree: two places merged add up their counts

    SHARDS = 4

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metric", "day", "jpath", "shard"], name="dailycount_once_per_shard")
        ]


class AccountState(models.Model):
    """What a staff account must do before it works: change the password given to it (the first administrator's
    from `fangkong setup`, an account an administrator made or reset). Read once at sign-in (core.passwords)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="account_state"
    )
    must_change_password = models.BooleanField(default=False)
    changed_at = models.DateTimeField(null=True, blank=True)


class SignedInDevice(models.Model):
    """A browser signed in to an account (its session), so that the account's holder — or their administrator —
    can see where it is signed in and sign one out from elsewhere: a phone lost at a checkpoint, a shift's phone
    handed on (core.devices). Written at sign-in, deleted at sign-out; a row whose session has expired is not
    shown and is swept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices")
    session_key = models.CharField(max_length=40, unique=True)
    agent = models.CharField(_("browser"), max_length=200, blank=True)  # its User-Agent, as it said
    signed_in_at = models.DateTimeField(_("signed in"), default=clock.now)

    class Meta:
        ordering = ["-signed_in_at"]
