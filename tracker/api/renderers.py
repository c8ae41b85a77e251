"""Renderers for API answers that are files, so that a client asking for
``application/octet-stream`` is not refused by content negotiation."""

import json

from rest_framework.renderers import BaseRenderer


class FileDownloadRenderer(BaseRenderer):
    media_type = "application/octet-stream"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Files are streamed by the view and never pass through here; what
        # does is an error answer, which stays JSON.
        return json.dumps(data).encode()
