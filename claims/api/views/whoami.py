"""``GET /api/whoami/``: who the caller is signed in as (any role). The cheapest authenticated
endpoint: the benchmarks measure every other one against it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .common import errors


class WhoAmI(APIView):
    @extend_schema(tags=["auth"], responses={200: inline_serializer("WhoAmI", {
        "id": serializers.IntegerField(), "username": serializers.CharField(),
    }), **errors(401)})
    def get(self, request):
        """The signed-in login's id and username."""
        return Response({"id": request.user.pk, "username": request.user.get_username()})
