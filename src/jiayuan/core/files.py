"""Stored files are private (ARCHITECTURE.md "Files are private").

- ``PrivateName``: the ``upload_to`` of every file field: ``<prefix>/<yyyy>/<mm>/<32 random hex>.<ext>``, so
  a name found once tells nothing about the next one.
- ``serve_file``: the only way bytes leave the storage. A view first fetches the record through its scoped
  selector (the same check as the record's page), then calls this. ``FILE_SERVING = "django"`` streams the
  file (the demo); ``"nginx"`` answers an empty response with ``X-Accel-Redirect`` to the internal location
  of docs/operators.md, and nginx sends the bytes.
- ``UploadKind`` / ``upload_problem``: one check of every upload (size by kind, allowed types, pictures
  must decode), used by the forms (``UploadValidator``) and by the services that store files
  (``check_upload``), so a command or a future API cannot store what a page would refuse.
"""

from __future__ import annotations

import mimetypes
import os
import re
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageFile

from jiayuan.core.errors import ValidationFailed

MB = 1024 * 1024
_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")

# --- names ---------------------------------------------------------------------------------------------


def _extension(filename: str) -> str:
    ext = os.path.splitext(filename or "")[1].lower()
    return ext if _EXTENSION.fullmatch(ext) else ""


@deconstructible
class PrivateName:
    """``upload_to`` giving an unguessable name: the prefix, the month, 128 random bits, the extension."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        month = timezone.localdate().strftime("%Y/%m")
        return f"{self.prefix}/{month}/{secrets.token_hex(16)}{_extension(filename)}"

    def __eq__(self, other) -> bool:
        return isinstance(other, PrivateName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


# --- serving -------------------------------------------------------------------------------------------

# Shown in the page (``<img>``) only for these; anything else is a download, whatever the view asked.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def serve_file(request, fieldfile, *, download_name: str | None = None, inline: bool = False) -> HttpResponse:
    """The response for a stored file the caller has already checked the user may see (404 if none)."""
    name = getattr(fieldfile, "name", "") or ""
    if not name:
        raise Http404(_("文件不存在"))
    shown = download_name or os.path.basename(name)
    content_type = (
        mimetypes.guess_type(shown)[0] or mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    inline = inline and content_type in INLINE_TYPES
    if settings.FILE_SERVING == "nginx":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(settings.FILE_SERVING_INTERNAL_URL + name)
    else:
        try:
            handle = fieldfile.storage.open(name, "rb")
        except (FileNotFoundError, IsADirectoryError):
            raise Http404(_("文件不存在")) from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, shown)
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        patch_cache_control(response, private=True, max_age=600)
    else:  # exports and documents may hold personal data: not kept on a shared computer
        patch_cache_control(response, private=True, no_store=True)
    return response


# --- uploads -------------------------------------------------------------------------------------------

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
# The picture formats kept, by what the bytes decode as (phones' JPEGs may open as MPO), with the extension
# the stored name gets, whatever the uploaded name said: the name decides the Content-Type it is served with.
IMAGE_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
# A phone camera's 48 MP picture passes; a small file that would decode to gigabytes does not.
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class UploadKind:
    """What one kind of upload may be: its size limit and, if any, the allowed extensions."""

    max_mb: int
    extensions: frozenset[str] = frozenset()
    image: bool = False  # must decode as a picture

    @property
    def max_bytes(self) -> int:
        return self.max_mb * MB


PHOTO = UploadKind(10, image=True)
DOCUMENT = UploadKind(
    20, IMAGE_EXTENSIONS | {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".txt", ".ofd", ".zip"}
)
SPREADSHEET = UploadKind(10, frozenset({".xlsx"}))


_STRICT = threading.Lock()


@contextmanager
def _strict_decoding():
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import, after which a truncated picture
    loads without error; an upload check must see the truncation."""
    with _STRICT:
        before, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _image_problem(upload) -> str | None:
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            width, height, fmt = *image.size, image.format
            image.verify()
        if fmt not in IMAGE_FORMATS:
            return _("仅支持 JPG、PNG、GIF、WebP 格式的图片")
        if width * height > MAX_PIXELS:
            return _("图片尺寸过大（超过 5000 万像素），请缩小后重新上传")
        upload.seek(0)
        with Image.open(upload) as image, _strict_decoding():
            image.load()  # verify() does not read the pixels: a truncated picture only fails here
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return _("文件不是有效的图片或已损坏，请重新拍照或选择图片")
    finally:
        upload.seek(0)
    stem = os.path.splitext(os.path.basename(getattr(upload, "name", "") or ""))[0] or "image"
    upload.name = stem + IMAGE_FORMATS[fmt]
    return None


def upload_problem(upload, kind: UploadKind) -> str | None:
    """Why this upload is refused (a Chinese message), or None."""
    size = getattr(upload, "size", None) or 0
    if size > kind.max_bytes:
        return _("文件不能超过 %(mb)d MB（此文件 %(size).1f MB），请压缩或拆分后重新上传") % {
            "mb": kind.max_mb,
            "size": size / MB,
        }
    ext = _extension(getattr(upload, "name", ""))
    if kind.extensions and ext not in kind.extensions:
        return _("不支持该文件类型，请上传 %(types)s 文件") % {
            "types": "、".join(sorted(e[1:] for e in kind.extensions))
        }
    if kind.image or ext in IMAGE_EXTENSIONS:
        return _image_problem(upload)
    return None


def check_upload(upload, kind: UploadKind, *, field: str) -> None:
    """For services: the same check as the forms, as a domain error on ``field``."""
    if upload is None:
        return
    problem = upload_problem(upload, kind)
    if problem:
        raise ValidationFailed(problem, field=field)


@deconstructible
class UploadValidator:
    """For form fields: ``validators=[UploadValidator(PHOTO)]``."""

    def __init__(self, kind: UploadKind):
        self.kind = kind

    def __call__(self, value) -> None:
        problem = upload_problem(value, self.kind)
        if problem:
            raise ValidationError(problem, code="upload")

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and other.kind == self.kind


def upload_help(kind: UploadKind, text=None):
    """The limit said in the form's help text (a lazy string)."""
    if kind.image:
        limit = format_lazy(gettext_lazy("JPG、PNG 图片，不超过 {mb} MB"), mb=kind.max_mb)
    else:
        limit = format_lazy(gettext_lazy("不超过 {mb} MB"), mb=kind.max_mb)
    return format_lazy(gettext_lazy("{text}，{limit}"), text=text, limit=limit) if text else limit


def upload_field(
    kind: UploadKind, label, *, required: bool = True, help_text=None, attrs=None
) -> forms.FileField:
    """A form field for one kind of upload: checked by ``UploadValidator``, its limit in the help text."""
    attrs = dict(attrs or {})
    if kind.image:
        attrs.setdefault("accept", "image/*")
    elif kind.extensions:
        attrs.setdefault("accept", ",".join(sorted(kind.extensions)))
    return forms.FileField(
        label=label,
        required=required,
        help_text=upload_help(kind, help_text),
        validators=[UploadValidator(kind)],
        widget=forms.ClearableFileInput(attrs=attrs),
    )
