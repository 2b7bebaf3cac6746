from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("policies/<int:pk>/", views.policy_detail, name="policy"),
    path("report/", views.report, name="report"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/reported/", views.report_done, name="report_done"),
    path("claims/<int:pk>/questions/<int:request_pk>/answer/", views.answer, name="answer"),
    path("claims/<int:pk>/documents/", views.documents_add, name="documents_add"),
    path("claims/<int:pk>/documents/<int:document_pk>/", views.document_download,
         name="document"),
    path("claims/<int:pk>/message/", views.message, name="message"),
    path("claims/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
