"""``{% claim_review_jsonld claim %}``: a claim page's ClaimReview, embedded."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from claims.claimreview import claim_review

register = template.Library()

# Inside <script> the HTML parser ends the element at "</script>" whatever the
# JSON says, so the characters that could start a tag or an entity are
# written as JSON escapes, which read back as the same text.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def jsonld_script(data: dict) -> str:
    """``data`` in a ``<script type="application/ld+json">`` element, safe to embed."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    safe_payload = mark_safe(payload)  # noqa: S308 (<, > and & are escaped above)
    return format_html('<script type="application/ld+json">{}</script>', safe_payload)


@register.simple_tag(takes_context=True)
def claim_review_jsonld(context, claim):
    """The claim's ClaimReview script, or nothing while it has no published verdict."""
    if not claim.is_published:
        return ""
    return jsonld_script(claim_review(claim, context["request"]))
