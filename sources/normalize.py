"""URL normalisation: the one rule that decides when two URLs are one source.

Scheme and host are lower-cased (the host IDNA-encoded), default ports,
fragments and tracking parameters are dropped, the remaining query parameters
are sorted, and an empty path becomes ``/``. ``http`` and ``https`` stay
distinct, because a site may serve different pages on each.
"""

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga", "spm"}
)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2000


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
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=~-._") or "/"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)))
    url = urlunsplit((scheme, netloc, path, query, ""))
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(
            _("URLs longer than %(limit)d characters cannot be sources."),
            params={"limit": MAX_URL_LENGTH},
            code="max_length",
        )
    return url
