"""``GET/PUT /api/me/language/``: the caller's language (any role), as the switcher on every page
sets it: their pages, their emails and the API's messages are in it."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.serializers.common import StrictInputSerializer
from language.services import language_for_user, language_set

from .common import errors


class LanguageSerializer(StrictInputSerializer):
    language = serializers.ChoiceField(choices=settings.LANGUAGES)


class MyLanguage(APIView):
    @extend_schema(tags=["auth"], operation_id="my_language_read",
                   responses={200: LanguageSerializer, **errors(401)})
    def get(self, request):
        """The caller's language (German unless they chose another)."""
        return Response({"language": language_for_user(request.user)})

    @extend_schema(tags=["auth"], operation_id="my_language_set", request=LanguageSerializer,
                   responses={200: LanguageSerializer, **errors(400, 401)})
    def put(self, request):
        """Choose the caller's language: stored on the login, used from the next request on."""
        data = LanguageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        language_set(user=request.user, language=data.validated_data["language"])
        return Response({"language": data.validated_data["language"]})
