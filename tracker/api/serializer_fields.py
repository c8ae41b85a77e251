"""Serializer helpers every app's API uses: model serializers that build
their fields once per class, and the URLs of protected downloads.


DRF's ``ModelSerializer`` inspects its model anew for every serializer it
makes, and a page of claims makes eight (each nested serializer is one):
about a twelfth of the time of the page. The fields depend on the class
alone, so they are built once and copied, as DRF copies declared fields.
"""

import copy

from django.urls import reverse
from rest_framework import serializers

NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}

_built_fields: dict[type, dict] = {}


class FieldsOnceModelSerializer(serializers.ModelSerializer):
    def get_fields(self):
        cls = type(self)
        if cls not in _built_fields:
            _built_fields[cls] = super().get_fields()
        return copy.deepcopy(_built_fields[cls])


def protected_download_url(serializer, name, args):
    """The absolute URL of a download that checks permissions (archives and
    evidence files are not public media)."""
    url = reverse(name, args=args)
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url
