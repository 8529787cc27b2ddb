"""Portal endpoints: articles through the editorial workflow (editors, reviewers) and, for anyone, what is online."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from fangkong.core.api import BearerAuth, ErrorOut, paginate
from fangkong.core.forms import NoteInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, has_cap

from . import articles, integrity, selectors
from .content_models import Article, Category

router = Router(tags=["portal"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _anonymous(request):
    """The public: whatever session the browser has, an unauthenticated caller reads what is online only."""
    request.user = AnonymousUser()
    return True


OPTIONAL = [BearerAuth(), _anonymous]


class ArticleOut(Schema):
    id: int
    title: str
    body_html: str
    state: str
    published_at: datetime | None
    category: str
    kind: str
    department: str
    pinned: bool
    version: int  # the latest version's number (editors) or the published one's (public)


class ArticlePage(Schema):
    items: list[ArticleOut]
    count: int


def _staff(request) -> bool:
    return request.user.is_authenticated and has_cap(request.user, Cap.PORTAL_EDIT)


def _out(a: Article, *, staff: bool) -> dict:
    if staff:
        v = articles.latest_version(a)
        title, body, number = v.title, v.body_html, v.number
    else:
        text = integrity.verified_text(a)
        if text is None:
            raise NotFound
        title, body = text
        number = a.published_version.number if a.published_version else 0
    return {
        "id": a.pk,
        "title": title,
        "body_html": body,
        "state": a.state,
        "published_at": a.published_at,
        "category": a.category.name,
        "kind": a.kind,
        "department": a.department,
        "pinned": a.pinned,
        "version": number,
    }


@router.post("/portal/articles", response={201: ArticleOut, **ERRORS})
def article_create(request, payload: articles.ArticleCreateInput):
    """A draft (editors). The text is sanitised: an allow-list of tags, no scripts, hidden content removed."""
    a = articles.article_create(actor=request.user, **payload.dict())
    return Status(201, _out(a, staff=True))


@router.get("/portal/articles", auth=OPTIONAL, response={200: ArticlePage, **ERRORS})
def article_list(request, category: str = "", q: str = "", page: int = 1, page_size: int | None = None):
    """What is online (newest first, pinned first); editors and reviewers see every article."""
    staff = _staff(request)
    qs = selectors.articles_for(user=request.user if staff else None)
    if q and not staff:
        qs = selectors.search_public(q[:100])
    if category:
        cat = articles.category_resolve(category)
        qs = qs.filter(category_id__in=selectors.category_ids(cat))
    items, count = paginate(qs.select_related("published_version"), page, page_size)
    return {"items": [_out(a, staff=staff) for a in items], "count": count}


@router.get("/portal/articles/{int:article_id}", auth=OPTIONAL, response={200: ArticleOut, **ERRORS})
def article_get(request, article_id: int):
    """Anonymous callers: published articles only (404 otherwise). Editors: any, with its latest version."""
    staff = _staff(request)
    a = selectors.articles_for(user=request.user if staff else None).filter(pk=article_id).first()
    if a is None:
        raise NotFound
    return _out(a, staff=staff)


@router.put("/portal/articles/{int:article_id}", response={200: ArticleOut, **ERRORS})
def article_update(request, article_id: int, payload: articles.ArticleUpdateInput):
    """A new version (earlier ones are kept); the article goes back to draft."""
    articles.article_update(actor=request.user, article_id=article_id, **payload.dict())
    return _out(selectors.article_for_editor(user=request.user, article_id=article_id), staff=True)


@router.post("/portal/articles/{int:article_id}/submit", response={200: ArticleOut, **ERRORS})
def article_submit(request, article_id: int):
    return _out(articles.article_submit(actor=request.user, article_id=article_id), staff=True)


@router.post("/portal/articles/{int:article_id}/approve", response={200: ArticleOut, **ERRORS})
def article_approve(request, article_id: int):
    """A reviewer publishes (now or at `publish_at`); 403 for the article's author. The body is optional:
    `{"publish_at", "note"}`."""
    from pydantic import ValidationError

    from fangkong.core.api import api
    from fangkong.core.errors import Code, FieldError

    try:
        is_json = request.content_type == "application/json" and request.body.strip()
        # The API's own parser: the same JSON rules and the same cleaning of control characters as every body.
        p = articles.ArticleApproveInput(**(api.parser.parse_body(request) if is_json else {}))
    except (ValueError, TypeError, ValidationError) as exc:
        raise FieldError("publish_at", 'A JSON body {"publish_at", "note"}, or none.', code=Code.INVALID) from exc
    a = articles.article_approve(actor=request.user, article_id=article_id, **p.dict())
    return _out(a, staff=True)


@router.post("/portal/articles/{int:article_id}/reject", response={200: ArticleOut, **ERRORS})
def article_reject(request, article_id: int, payload: NoteInput):
    return _out(articles.article_reject(actor=request.user, article_id=article_id, note=payload.note), staff=True)


@router.post("/portal/articles/{int:article_id}/withdraw", response={200: ArticleOut, **ERRORS})
def article_withdraw(request, article_id: int, payload: NoteInput):
    return _out(articles.article_withdraw(actor=request.user, article_id=article_id, note=payload.note), staff=True)


class VersionOut(Schema):
    number: int
    title: str
    created_at: datetime
    created_by: str
    note: str
    approved: bool


@router.get("/portal/articles/{int:article_id}/versions", response={200: list[VersionOut], **ERRORS})
def article_versions(request, article_id: int):
    a = selectors.article_for_editor(user=request.user, article_id=article_id)
    return [
        {
            "number": v.number,
            "title": v.title,
            "created_at": v.created_at,
            "created_by": v.created_by.get_username(),
            "note": v.note,
            "approved": v.approved_at is not None,
        }
        for v in a.versions.select_related("created_by")
    ]


class ImportFindingOut(Schema):
    before: str  # as the page had it
    after: str  # as the draft has it (a repair)
    context: str  # the words around it in the draft


class ArticleImportOut(Schema):
    id: int
    title: str
    dropped: list[str]  # lines removed (navigation, spam), for the editor to check
    simplified: bool
    dated: date | None  # the article's date from its text (its publication date)
    date_guessed: bool  # the text gives the day, not the year: the most recent such day was taken
    repairs: list[ImportFindingOut]  # garbled runs put back in step (portal.mojibake)
    suspicions: list[ImportFindingOut]  # what still looks garbled, left as it was


@router.post("/portal/articles:import", response={201: ArticleImportOut, **ERRORS})
def article_import(request, category: Form[str] = "", convert: Form[str] = "auto", file: File[UploadedFile] = None):  # type: ignore[assignment]
    """A legacy page (HTML or text) as a cleaned draft. `convert`: auto | yes | no (Traditional → Simplified)."""
    from fangkong.core.uploads import text_upload

    from .legacy import MAX_IMPORT_BYTES
    from .legacy import article_import as run

    # An HTML or text file of at most 2 MB: "required", "too_large", or "unsupported_type" for a binary file.
    raw = text_upload(file, max_bytes=MAX_IMPORT_BYTES)
    a, cleaned = run(
        actor=request.user,
        raw=raw,
        source=file.name or "",
        category=category or None,
        simplify={"auto": None, "yes": True, "no": False}.get(convert),
    )
    return Status(
        201,
        {
            "id": a.pk,
            "title": cleaned.title,
            "dropped": cleaned.dropped,
            "simplified": cleaned.simplified,
            "dated": cleaned.date,
            "date_guessed": cleaned.date_guessed,
            "repairs": [f.__dict__ for f in cleaned.repairs],
            "suspicions": [f.__dict__ for f in cleaned.suspicions],
        },
    )


class ImageOut(Schema):
    url: str  # what an article's <img src> may name (with an alt: sanitise)
    name: str
    width: int
    height: int


@router.post("/portal/images", response={201: ImageOut, **ERRORS})
def image_upload(request, file: File[UploadedFile] = None):  # type: ignore[assignment]
    """An image for articles (editors): JPEG, PNG, WebP or GIF, re-encoded without its metadata. 400
    `unsupported_type` for anything else, `too_large` past the upload limit, `unreadable` for a damaged one."""
    from .images import image_upload as upload
    from .images import image_url

    image = upload(actor=request.user, upload=file)
    return Status(201, {"url": image_url(image), "name": image.name, "width": image.width, "height": image.height})


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    parent_id: int | None


@router.get("/portal/categories", auth=OPTIONAL, response={200: list[CategoryOut], **ERRORS})
def category_list(request):
    return list(Category.objects.order_by("parent_id", "order", "pk"))


class IntegrityFindingOut(Schema):
    article_id: int
    title: str
    problem: str
    restored: str


@router.get("/portal/integrity", response={200: list[IntegrityFindingOut], **ERRORS})
def integrity_check(request):
    """Published articles whose stored text no longer matches the approved version."""
    if not _staff(request):
        raise NotFound
    return [f.__dict__ for f in integrity.check()]


@router.post("/portal/integrity:restore", response={200: list[IntegrityFindingOut], **ERRORS})
def integrity_restore(request):
    from fangkong.core.scoping import Forbidden

    if not has_cap(request.user, Cap.PORTAL_REVIEW):
        raise Forbidden(Cap.PORTAL_REVIEW)
    return [f.__dict__ for f in integrity.check(restore=True, actor=request.user)]
