"""Images for articles: uploaded by editors, re-encoded, served at /news/img/<name> — to the public once an article
online shows it, to the newsroom before (`news_views.image`) — and deleted a day after their upload when no version
of any article shows them (`images_purge`, in `fangkong purge`'s housekeeping: dataprotection.housekeeping).

An upload is bounded like every other (core.uploads: refused past IMAGE_MAX_BYTES while it arrives, its pixels
counted from the header before anything is decoded), recognised by its bytes — JPEG, PNG, WebP or GIF, whatever
its name says — and decoded and encoded again by Pillow: what is stored is pixels we wrote, with no EXIF (a
phone's photo carries where it was taken), no ICC profile, no text chunks or comments, turned upright as the EXIF
said, and no larger than MAX_SIDE. A phone's JPEG that holds more than one picture (MPO: the photo, then a depth
map or a preview) is its first picture, like any JPEG. A file that is not one of those images, or that Pillow cannot
read through, is refused with a code."""

from __future__ import annotations

import io
import logging
import uuid
import warnings
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.audit import audit_event, audit_record, audit_record_many
from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.core.uploads import claimed_kind, limit, read_upload, sniff, unreadable

from .content_models import ArticleImage, ArticleImageUse

log = logging.getLogger(__name__)
MAX_SIDE = 2400  # pixels: wider than any article column at twice the density, a tenth of a camera's original
MAX_FRAMES = 200  # an animated GIF
# Pillow's format → the extension we store it under and the type we serve it as.
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp"),
           "GIF": ("gif", "image/gif")}  # fmt: skip
# What an animated image or a palette image needs to look the same; everything else in `info` is metadata.
KEEP_INFO = ("transparency", "duration", "loop", "background", "disposal")
# How long an image no version shows is kept: the editor uploads it into a text not saved yet (the editor's page
# inserts it at once), and may save hours later.
UNUSED_GRACE = timedelta(hours=24)
PURGE_BATCH = 500  # images deleted per call at most: one short transaction (housekeeping calls until done)
SYSTEM = System("portal.images")


def _format(data: bytes) -> str | None:
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    sniffed = sniff(data)
    if sniffed is None or sniffed.kind != "image":
        return None
    return {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[sniffed.ext]


def _refused_type(field: str) -> FieldError:
    return FieldError(field, _("Upload a JPEG, PNG, WebP or GIF image."), code=Code.UNSUPPORTED_TYPE)


def reencode(data: bytes, *, field: str = "file") -> tuple[bytes, str, int, int]:
    """(the image written anew, its Pillow format, width, height) — or a FieldError."""
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    fmt = _format(data)
    if fmt is None:
        raise _refused_type(field)
    max_pixels = limit("IMAGE_MAX_PIXELS")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as img:
                # A JPEG is one picture. Pillow opens a phone's MPO (a JPEG with a depth map or a preview after it) as
                # frames: read as an animation it would be neither turned upright nor resized; its first frame is
                # the photo, and what follows it is dropped like the EXIF.
                frames = 1 if fmt == "JPEG" else getattr(img, "n_frames", 1)
                width, height = img.size
                if width < 1 or height < 1 or frames > MAX_FRAMES or width * height * frames > max_pixels:
                    raise FieldError(
                        field,
                        _("The image is too large: at most %(mp)d megapixels (all frames together).")
                        % {"mp": max_pixels // 1_000_000},
                        code=Code.TOO_LARGE,
                    )
                if frames > 1:
                    # Each frame on its own (its palette and transparency), the timing of the first kept.
                    pictures = [_bare(frame.copy()) for frame in ImageSequence.Iterator(img)]
                else:
                    picture = ImageOps.exif_transpose(img)  # upright, as the EXIF we drop said
                    picture = picture if picture is not img else img.copy()
                    picture.thumbnail((MAX_SIDE, MAX_SIDE))
                    pictures = [_bare(picture)]
    except FieldError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FieldError(field, _("The image claims too many pixels."), code=Code.TOO_LARGE) from exc
    except UnidentifiedImageError as exc:
        raise unreadable(field, _("This image cannot be read.")) from exc
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError) as exc:
        raise unreadable(field, _("This image cannot be read.")) from exc
    out = io.BytesIO()
    first = pictures[0]
    if fmt == "JPEG":
        if first.mode not in ("RGB", "L"):
            first = first.convert("RGB")  # CMYK, or a mode JPEG cannot hold
        first.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        first.save(out, "PNG", optimize=True)
    elif fmt == "WEBP":
        first.save(out, "WEBP", quality=85, save_all=len(pictures) > 1, append_images=pictures[1:])
    else:
        first.save(out, "GIF", save_all=len(pictures) > 1, append_images=pictures[1:])
    return out.getvalue(), fmt, first.width, first.height


def _bare(picture):
    """The picture with nothing but what drawing it needs: no EXIF, ICC profile, XMP, comment or text chunk."""
    picture.info = {k: v for k, v in picture.info.items() if k in KEEP_INFO}
    return picture


def image_url(image: ArticleImage) -> str:
    return reverse("news:image", args=[image.name])


@transaction.atomic
def image_upload(*, actor, upload, field: str = "file") -> ArticleImage:
    """An editor's image, checked and re-encoded (above), stored under a new name. Its URL (`image_url`) is what
    an article's text may show, with a description the text gives it (`sanitise`)."""
    if not has_cap(actor, Cap.PORTAL_EDIT):
        raise Forbidden(Cap.PORTAL_EDIT)
    data = read_upload(upload, max_bytes=limit("IMAGE_MAX_BYTES"), field=field)
    if not data:
        raise FieldError(field, _("The file is empty."), code=Code.REQUIRED)
    claimed = claimed_kind(getattr(upload, "name", "") or "")
    if _format(data) is None:
        raise _refused_type(field)
    if claimed is not None and claimed != "image":
        raise FieldError(field, _("The file's name says one type and its content another."), code=Code.TYPE_MISMATCH)
    encoded, fmt, width, height = reencode(data, field=field)
    ext, content_type = FORMATS[fmt]
    name = f"{uuid.uuid4().hex}.{ext}"
    image = ArticleImage.objects.create(
        name=name,
        file=ContentFile(encoded, name=name),
        content_type=content_type,
        width=width,
        height=height,
        size=len(encoded),
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="portal.image_upload",
        obj=image,
        fields={"type": content_type, "bytes": len(encoded), "received": len(data), "width": width, "height": height},
    )
    return image


def images_purge(*, now: datetime | None = None) -> int:
    """Delete the images uploaded more than UNUSED_GRACE ago that no version of any article shows — draft, submitted,
    published or withdrawn alike (`ArticleImageUse`, which also refuses the delete of one that is shown); the
    number deleted. The rows go in one transaction, each with an audit event; their files after it commits."""
    cutoff = (now or clock.now()) - UNUSED_GRACE
    unused = ~Exists(ArticleImageUse.objects.filter(image=OuterRef("pk")))
    with transaction.atomic():
        held = list(
            ArticleImage.objects.select_for_update()
            .filter(unused, created_at__lt=cutoff)
            .order_by("pk")  # the order a version being saved locks them in (articles._record_images): no deadlock
            .values_list("pk", flat=True)[:PURGE_BATCH]
        )
        if not held:
            return 0
        # Asked again now that they are locked: a version saved while this waited for its locks has committed its
        # uses, which the first question, read before, did not see.
        gone = list(ArticleImage.objects.filter(unused, pk__in=held))
        audit_record_many(
            audit_event(
                actor=SYSTEM,
                action="portal.image_purge",
                obj=image,
                object_repr=image.name,
                fields={"uploaded": image.created_at.isoformat(), "bytes": image.size},
            )
            for image in gone
        )
        ArticleImage.objects.filter(pk__in=[image.pk for image in gone]).delete()
        files = [(image.file.storage, image.file.name or "") for image in gone]
        transaction.on_commit(lambda: _delete_files(files))
    return len(gone)


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        if not name:  # a row without its file: nothing to delete (the storage refuses an empty name)
            continue
        try:
            storage.delete(name)
        except OSError:  # the row is gone either way; a file left over is only space
            log.warning("article image file %s could not be deleted", name, exc_info=True)
