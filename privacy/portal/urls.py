from django.urls import path

from . import views

app_name = "privacy_portal"

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("exports/", views.export_request, name="export_request"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("erasure/", views.erasure_request, name="erasure_request"),
]
