"""URLs of the API under /api/ (the vendor API has its own under /api/vendor/)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as auth

from .views import claims, me, money, policies

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", auth.ObtainToken.as_view(), name="token"),
    path("auth/tokens/", auth.TokenList.as_view(), name="tokens"),
    path("auth/tokens/<str:token_id>/", auth.TokenRevoke.as_view(), name="token-revoke"),
    # policyholders
    path("me/policies/", me.MyPolicyList.as_view(), name="my-policies"),
    path("me/policies/<int:pk>/", me.MyPolicyDetail.as_view(), name="my-policy"),
    path("me/claims/", me.MyClaimList.as_view(), name="my-claims"),
    path("me/claims/<int:pk>/", me.MyClaimDetail.as_view(), name="my-claim"),
    path("me/claims/<int:pk>/withdraw/", me.MyClaimWithdraw.as_view(), name="my-claim-withdraw"),
    path("me/claims/<int:pk>/questions/", me.MyQuestionList.as_view(), name="my-questions"),
    path("me/claims/<int:pk>/questions/<int:request_pk>/answer/", me.MyQuestionAnswer.as_view(),
         name="my-question-answer"),
    path("me/claims/<int:pk>/documents/", me.MyDocumentList.as_view(), name="my-documents"),
    path("me/claims/<int:pk>/documents/<int:document_pk>/download/",
         me.MyDocumentDownload.as_view(), name="my-document-download"),
    # adjusters
    path("claims/", claims.ClaimList.as_view(), name="claims"),
    path("claims/<int:pk>/", claims.ClaimDetail.as_view(), name="claim"),
    path("claims/<int:pk>/transitions/<slug:transition>/", claims.ClaimTransition.as_view(),
         name="claim-transition"),
    path("claims/<int:pk>/vendor-jobs/", claims.ClaimVendorJobList.as_view(),
         name="claim-vendor-jobs"),
    path("claims/<int:pk>/cost-lines/", money.CostLineList.as_view(), name="claim-cost-lines"),
    path("claims/<int:pk>/reserves/", money.ReserveList.as_view(), name="claim-reserves"),
    path("claims/<int:pk>/settlement-preview/", money.SettlementPreview.as_view(),
         name="claim-settlement-preview"),
    path("claims/<int:pk>/settlements/", money.SettlementList.as_view(),
         name="claim-settlements"),
    path("claims/<int:pk>/settlements/<int:settlement_pk>/approve/",
         money.SettlementApprove.as_view(), name="claim-settlement-approve"),
    path("policies/", policies.PolicyList.as_view(), name="policies"),
    path("policies/<int:pk>/", policies.PolicyDetail.as_view(), name="policy"),
    path("accounts/", policies.AccountList.as_view(), name="accounts"),
    path("accounts/<int:pk>/", policies.AccountDetail.as_view(), name="account"),
]
