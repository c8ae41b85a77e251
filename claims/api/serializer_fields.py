"""Model serializers that build their fields from the model once per class.

DRF's ``ModelSerializer`` inspects its model anew for every serializer it
makes, and a page of claims makes eight (each nested serializer is one):
about a twelfth of the time of the page. The fields depend on the class
alone, so they are built once and copied, as DRF copies declared fields.
"""

import copy

from rest_framework import serializers

_built_fields: dict[type, dict] = {}


class FieldsOnceModelSerializer(serializers.ModelSerializer):
    def get_fields(self):
        cls = type(self)
        if cls not in _built_fields:
            _built_fields[cls] = super().get_fields()
        return copy.deepcopy(_built_fields[cls])
