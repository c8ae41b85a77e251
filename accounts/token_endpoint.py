"""The token endpoint (``POST /api/auth/token/``), where an API client
trades a username and password for a new API token, shown once.

Apart from ``accounts.api``, which DRF's settings import (through
``claims.api.permissions``) while ``rest_framework.views`` itself loads."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import TokenWithRolesAuthentication
from .models import ApiToken
from .tokens import issue


class ObtainTokenSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(
        max_length=ApiToken._meta.get_field("name").max_length, help_text=_("What the token is for.")
    )


class NewTokenSerializer(serializers.ModelSerializer):
    token = serializers.CharField(help_text=_("The secret: shown this once, never again."))

    class Meta:
        model = ApiToken
        fields = ["token", "name", "prefix", "created_at"]


class ObtainTokenView(APIView):
    """A new API token for the account whose username and password are given.

    Failed attempts count towards the same lockout as the log-in page
    (django-axes): once an account is locked for an address, even the right
    password answers 429 until the cool-off ends."""

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = ObtainTokenSerializer

    @extend_schema(
        auth=[],
        request=ObtainTokenSerializer,
        responses={
            201: NewTokenSerializer,
            400: OpenApiResponse(description=_("A field is missing or too long.")),
            401: OpenApiResponse(description=_("Wrong username or password, or an inactive account.")),
            429: OpenApiResponse(description=_("Too many failed attempts: locked for a while.")),
        },
    )
    def post(self, request):
        given = ObtainTokenSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        credentials = {"username": data["username"], "password": data["password"]}
        user = authenticate(request._request, **credentials)
        if user is None:
            if AxesProxyHandler.is_locked(request._request, credentials):
                raise Throttled(detail=_("Too many failed attempts with this account: try again later."))
            raise AuthenticationFailed(_("Wrong username or password."))
        token, secret = issue(user, data["name"])
        token.token = secret
        return Response(NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    def get_authenticate_header(self, request):
        # A 401 stays a 401 (DRF makes it a 403 without a challenge).
        return TokenWithRolesAuthentication().authenticate_header(request)
