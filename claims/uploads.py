"""Limits on files attached as evidence: size and type, checked on content."""

import math
import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The first bytes of each allowed type; a file whose content does not match
# its extension is refused, so an HTML page cannot pass as a PNG.
_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/webp": (b"RIFF",),
    "application/warc": (b"WARC/", b"\x1f\x8b"),
}


def _content_type_for(name: str) -> str | None:
    lowered = name.lower()
    for content_type, extensions in settings.EVIDENCE_ALLOWED_CONTENT_TYPES.items():
        if any(lowered.endswith(ext) for ext in extensions):
            return content_type
    return None


_SIZE_UNITS = ((1024 * 1024, _("%(amount)s MB")), (1024, _("%(amount)s KB")))


def describe_size(count: int, rounding=math.floor) -> str:
    """``count`` bytes in the largest unit that fits, to a tenth, rounded
    with ``rounding`` (``math.floor`` or ``math.ceil``); "20.0" is "20"."""
    for unit, text in _SIZE_UNITS:
        if count >= unit:
            amount = f"{rounding(count * 10 / unit) / 10:.1f}".removesuffix(".0")
            return text % {"amount": amount}
    return _("%(amount)s bytes") % {"amount": count}


def validate_evidence_file(upload) -> None:
    """Refuse files that are too large, of a type not allowed, or whose
    content does not match their name."""
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        # The size rounded up and the limit down, so that a file one byte
        # over reads as larger ("20.1 MB; the limit is 20 MB"), never as "20.0 MB; at most 20.0 MB".
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            params={"size": describe_size(upload.size, math.ceil), "limit": describe_size(limit)},
            code="too_large",
        )
    name = PurePath(upload.name).name
    content_type = _content_type_for(name)
    if content_type is None:
        allowed = ", ".join(ext for exts in settings.EVIDENCE_ALLOWED_CONTENT_TYPES.values() for ext in exts)
        raise ValidationError(
            _("%(name)s is not a type that can be attached. Allowed: %(allowed)s."),
            params={"name": name, "allowed": allowed},
            code="type",
        )
    signatures = _SIGNATURES.get(content_type)
    if signatures:
        position = upload.tell() if hasattr(upload, "tell") else 0
        upload.seek(0)
        head = upload.read(16)
        upload.seek(position)
        if not any(head.startswith(sig) for sig in signatures):
            raise ValidationError(
                _("%(name)s does not look like a %(type)s file."),
                params={"name": name, "type": mimetypes.guess_extension(content_type) or content_type},
                code="content",
            )
    elif content_type.startswith("text/"):
        position = upload.tell() if hasattr(upload, "tell") else 0
        upload.seek(0)
        head = upload.read(4096)
        upload.seek(position)
        if b"\x00" in head:
            raise ValidationError(_("%(name)s is not a text file."), params={"name": name}, code="content")


def evidence_content_type(name: str) -> str:
    """The content type an accepted evidence file is stored and served as."""
    return _content_type_for(name) or "application/octet-stream"
