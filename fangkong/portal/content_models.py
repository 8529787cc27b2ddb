"""News and notices: categories as a tree, articles with every version kept, and the copy the public is served.

The served copy (`Article.title` / `body_html`) is what pages render; each approved version carries a keyed hash
(HMAC with the server's secret) of the article, the version number, its title and body, made when it was approved,
and the served copy must hash to the published version's value. A defaced row — spam injected into the database,
a page rewritten behind the editors' backs, a draft pointed at — no longer matches: pages fall back to the
approved version and raise the alarm, and `fangkong check-content` reports and restores it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock


class Category(models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="category_name_once")]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        NOTICE = "notice", _("Notice")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Returned to the editor")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.NEWS)
    # The workflow state of the latest version. A published article edited again is "draft" while its approved
    # version stays online until the new one is approved.
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    department = models.CharField(_("department"), max_length=60, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    pinned = models.BooleanField(_("pinned"), default=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)  # notices: gone from lists after this
    source = models.CharField(max_length=300, blank=True)  # a legacy import: where it came from
    # The served copy and its publication.
    title = models.CharField(_("title"), max_length=200, blank=True)
    body_html = models.TextField(blank=True)
    published_version = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)  # in the future: scheduled
    content_mac = models.CharField(max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["category", "published_at", "id"], name="article_category_published"),
            models.Index(fields=["published_at"], name="article_published"),
        ]


class ArticleVersion(models.Model):
    """One text of an article, as written; never changed after it is saved (the mac proves it)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body_html = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    note = models.CharField(max_length=300, blank=True)
    mac = models.CharField(max_length=64)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Set at approval: binds this article, this version and its text to the approval. A version written but never
    # approved has none, so nobody can publish a draft by pointing the article at it in the database.
    approved_mac = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_version_once")]


class ImportFinding(models.Model):
    """What the legacy import did to a draft's text, or could not settle, for the editor and the reviewer to see
    on the draft's page before it is published: a garbled run repaired (before → after, `portal.mojibake`), a
    suspicious run left as it was, a date whose year the text does not give."""

    class Kind(models.TextChoices):
        REPAIRED = "repaired", _("Repaired")
        SUSPICIOUS = "suspicious", _("Suspicious, left as it was")
        DATE_GUESSED = "date_guessed", _("Year of the date guessed")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="import_findings")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    before = models.CharField(max_length=200, blank=True)  # as the old page had it
    after = models.CharField(max_length=200, blank=True)  # as the draft has it
    context = models.CharField(max_length=200, blank=True)  # the words around it, to find it in the draft

    class Meta:
        ordering = ["pk"]


class ArticleImage(models.Model):
    """An image uploaded for articles: re-encoded without its metadata (`images.image_upload`), stored under a name
    we made, served at /news/img/<name> — the only images an article's text may show (`sanitise`)."""

    name = models.CharField(max_length=40, unique=True)  # <32 hex digits>.<jpg|png|webp|gif>
    file = models.FileField(upload_to="portal/images/")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)


class ArticleImageUse(models.Model):
    """An image a version's text shows (`articles`, as the version is saved). What keeps an image: one no version
    uses is deleted a day after its upload (`images.images_purge`), and one is served to the public only while the
    published version of an article online uses it (`news_views.image`) — a draft's pictures stay the newsroom's."""

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="image_uses")
    # PROTECT: an image a version shows is never deleted under it, whatever deletes it.
    image = models.ForeignKey(ArticleImage, on_delete=models.PROTECT, related_name="uses")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "image"], name="article_image_use_once")]
