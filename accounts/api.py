"""The API's sign-in: exchange a name and password (and, for staff, a two-factor code) for an
expiring token; list and revoke one's own tokens. Tokens (django-rest-knox) are stored hashed,
expire after ``API_TOKEN_IDLE_DAYS`` without use and end with a password change or deactivation.
Login limits (django-axes) apply here as on every sign-in page."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.parsers import JSONParser
from claims.api.serializers.common import StrictInputSerializer
from claims.api.views.common import errors
from config.api import error_response

from .lockout import blocked_message
from .twofactor import needs_two_factor, verify_code


class CredentialsSerializer(StrictInputSerializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=128, trim_whitespace=False,
                                     style={"input_type": "password"})
    otp_token = serializers.CharField(
        max_length=20, required=False, allow_blank=True,
        help_text="Staff only: the current code of the authenticator app, or a recovery code.",
    )


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(allow_null=True)


class TokenInfoSerializer(serializers.Serializer):
    id = serializers.CharField(source="token_key", help_text="The token's first characters.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField(help_text="The token this request was made with.")


class ObtainToken(APIView):
    """Exchange a username and password for an API token (staff also send ``otp_token``). Each
    sign-in issues a new token; it expires after a period without use."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=["auth"], request=CredentialsSerializer,
                   responses={200: IssuedTokenSerializer, **errors(400, 429)})
    def post(self, request):
        serializer = CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        django_request = request._request
        user = authenticate(django_request, username=data["username"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            return error_response(status_code=429, code="throttled", message=blocked_message())
        if user is None:
            return error_response(
                status_code=400, code="invalid",
                message=str(_("Unable to sign in with the given name and password.")),
                fields={"non_field_errors": [
                    str(_("Unable to sign in with the given name and password."))]},
            )
        if needs_two_factor(user) and not verify_code(user, data.get("otp_token", "")):
            message = str(_("Staff accounts need the current two-factor code (otp_token)."))
            return error_response(status_code=400, code="invalid", message=message,
                                  fields={"otp_token": [message]})
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        return Response({"token": token, "expiry": instance.expiry})


class TokenList(APIView):
    """The caller's API tokens (not their secrets): when each was created and expires."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["auth"], responses={200: TokenInfoSerializer(many=True),
                                             **errors(401, 403)})
    def get(self, request):
        current = getattr(request.auth, "token_key", None)
        tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
        return Response(TokenInfoSerializer(
            [{"token_key": token.token_key, "created": token.created, "expiry": token.expiry,
              "current": token.token_key == current} for token in tokens], many=True).data)


class TokenRevoke(APIView):
    """Revoke one of the caller's tokens (the id from the list); revoking the current one signs
    this client out."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["auth"], request=None,
                   responses={204: OpenApiResponse(description="Revoked."),
                              **errors(401, 403, 404)})
    def delete(self, request, token_id: str):
        token = get_object_or_404(AuthToken, user=request.user, token_key=token_id)
        token.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
