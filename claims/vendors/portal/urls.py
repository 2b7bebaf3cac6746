from django.urls import path

from . import views

app_name = "vendor_portal"

urlpatterns = [
    path("", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/<slug:action>/", views.job_action, name="job_action"),
]
