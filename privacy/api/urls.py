"""URLs of the privacy API under /api/privacy/."""

from django.urls import path

from . import views

app_name = "privacy_api"

urlpatterns = [
    path("me/exports/", views.MyExportList.as_view(), name="my-exports"),
    path("me/exports/<int:pk>/", views.MyExportDetail.as_view(), name="my-export"),
    path("me/exports/<int:pk>/download/", views.MyExportDownload.as_view(),
         name="my-export-download"),
    path("me/erasure-requests/", views.MyErasureRequestList.as_view(),
         name="my-erasure-requests"),
    path("exports/", views.ExportList.as_view(), name="exports"),
    path("exports/<int:pk>/", views.ExportDetail.as_view(), name="export"),
    path("exports/<int:pk>/download/", views.ExportDownload.as_view(), name="export-download"),
    path("erasure-requests/", views.ErasureRequestList.as_view(), name="erasure-requests"),
    path("erasure-requests/<int:pk>/", views.ErasureRequestDetail.as_view(),
         name="erasure-request"),
    path("legal-holds/", views.LegalHoldList.as_view(), name="legal-holds"),
    path("legal-holds/<int:pk>/release/", views.LegalHoldRelease.as_view(),
         name="legal-hold-release"),
    path("access-log/", views.AccessLogList.as_view(), name="access-log"),
    path("claims/<int:pk>/retention/", views.ClaimRetention.as_view(), name="claim-retention"),
]
