"""URL normalisation: the one rule that decides when two URLs are one source.

Scheme and host are lower-cased (the host IDNA-encoded), default ports,
fragments and tracking parameters are dropped, the remaining query parameters
are sorted, and an empty path becomes ``/``. ``http`` and ``https`` stay
distinct, because a site may serve different pages on each.

The path is normalised as RFC 3986 (section 6.2.2) allows without changing
what it means, as w3lib's ``canonicalize_url`` does: an encoded unreserved
character (``%7E``) is decoded, every other encoded octet stays encoded with
its hex upper-cased, and what must be encoded is. An encoded reserved
character is data, not syntax: ``/a%2Fb`` is one path segment and another
resource than ``/a/b``, so it is never decoded.
"""

import re
import string
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga", "spm"}
)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}
# The longest URL a source may have: the one limit the models, forms, API and import all use.
MAX_URL_LENGTH = 2000

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
# Characters a path may hold as they are (unreserved, sub-delims, ":", "@" and "/"); "%" is not
# among them, so a "%" that starts no encoded octet is itself encoded.
_PATH_SAFE = "/:@!$&'()*+,;=~-._"
_ENCODED_OCTET = re.compile(r"(%[0-9A-Fa-f]{2})")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def normalize_url(raw: str) -> str:
    """Return the canonical form of ``raw``, or raise ``ValidationError``."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a URL."), code="required")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValidationError(_("%(url)s is not a valid URL."), params={"url": text}, code="invalid") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValidationError(
            _("Only http and https URLs can be sources; got %(url)s."), params={"url": text}, code="scheme"
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValidationError(_("%(url)s has no host name."), params={"url": text}, code="invalid")
    try:
        host = host.encode("idna").decode("ascii").lower() if not host.startswith("[") else host
    except UnicodeError:
        raise ValidationError(_("%(url)s has an invalid host name."), params={"url": text}, code="invalid") from None
    if ":" in host:  # an IPv6 literal keeps its brackets in a URL
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _normalize_path(parts.path) or "/"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)))
    url = urlunsplit((scheme, netloc, path, query, ""))
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(
            _("URLs longer than %(limit)d characters cannot be sources."),
            params={"limit": MAX_URL_LENGTH},
            code="max_length",
        )
    return url


def _normalize_path(path: str) -> str:
    pieces = _ENCODED_OCTET.split(path)  # text, octet, text, octet, ..., text
    for i, piece in enumerate(pieces):
        if i % 2:
            octet = chr(int(piece[1:], 16))
            pieces[i] = octet if octet in _UNRESERVED else piece.upper()
        else:
            pieces[i] = quote(piece, safe=_PATH_SAFE)
    return "".join(pieces)
