from django.urls import path

from . import views

app_name = "events_portal"

urlpatterns = [
    path("events/<int:pk>/report/", views.event_report, name="report"),
    path("events/reports/<int:pk>/", views.received, name="received"),
    path("policies/<int:pk>/dependencies/", views.dependencies, name="dependencies"),
]
