"""``POST /api/premium-quote/``: the premium per insurance year for a product, as the calculator
quotes it (the 145.80 floor, the industry, the expiry moved to 1 January). Any signed-in user."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import error_response
from coverage.models import Product
from coverage.premium import QuoteError, quote_premium
from policies.models import Industry

from ..serializers.common import MONEY, StrictInputSerializer
from .common import errors


class QuoteInputSerializer(StrictInputSerializer):
    product = serializers.SlugRelatedField(slug_field="code", queryset=Product.objects.all())
    revenue = serializers.DecimalField(**MONEY, min_value=0)
    sum_insured = serializers.DecimalField(**MONEY)
    addons = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    deductible = serializers.DecimalField(**MONEY)
    term_years = serializers.IntegerField()
    it_security_discount = serializers.BooleanField(default=False)
    industry = serializers.ChoiceField(choices=Industry.choices, required=False)
    unattended_automated_production = serializers.BooleanField(default=False)
    expiry_january_first = serializers.BooleanField(default=False)
    start_date = serializers.DateField(required=False)


class QuoteYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    premium = serializers.CharField()


class QuoteSerializer(serializers.Serializer):
    years = QuoteYearSerializer(many=True)
    total = serializers.CharField()
    expiry_date = serializers.DateField(required=False)


class PremiumQuote(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["quotes"], request=QuoteInputSerializer,
                   responses={200: QuoteSerializer, **errors(400, 401)})
    def post(self, request):
        """Quote the premium of every insurance year; what is not offered is a 400 naming the
        field (e.g. ``industry`` for manufacturing with unattended production)."""
        data = QuoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            quote = quote_premium(**values)
        except QuoteError as error:
            return error_response(status_code=400, code="invalid", message=str(error),
                                  fields={error.field: [error.message]})
        return Response(quote.as_dict())
