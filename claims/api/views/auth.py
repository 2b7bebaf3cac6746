"""Sign-in: the API token endpoint and the login page, both rate-limited per IP and username."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.forms.utils import ErrorDict
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import error_response

from ..login_limits import BLOCKED_MESSAGE, login_blocked, login_failed, login_succeeded
from .common import errors


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class ObtainToken(APIView):
    """Exchange a username and password for the API token (send it as ``Authorization: Token
    <token>``)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=["auth"], request=AuthTokenSerializer,
                   responses={200: TokenSerializer, **errors(400, 429)})
    def post(self, request):
        username = str(request.data.get("username", ""))
        if login_blocked(request, username):
            return error_response(status_code=429, code="throttled", message=BLOCKED_MESSAGE)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            login_failed(request, username)
            serializer.is_valid(raise_exception=True)
        login_succeeded(request, username)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class RateLimitedLoginView(auth_views.LoginView):
    """Django's login page, refusing further attempts after too many failures."""

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if login_blocked(request, username):
            form = self.get_form()
            # Not validated: a blocked attempt must not reach the password check at all.
            form._errors = ErrorDict()
            form.cleaned_data = {}
            form.add_error(None, BLOCKED_MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failed(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form):
        login_succeeded(self.request, self.request.POST.get("username", ""))
        return super().form_valid(form)
