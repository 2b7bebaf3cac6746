"""URLs of the events API, mounted under /api/ next to the claims API."""

from django.urls import path

from . import views

app_name = "events_api"

urlpatterns = [
    path("events/", views.EventList.as_view(), name="events"),
    path("events/<int:pk>/", views.EventDetail.as_view(), name="event"),
    path("events/<int:pk>/close/", views.EventClose.as_view(), name="event-close"),
    path("events/<int:pk>/claims/", views.EventClaimList.as_view(), name="event-claims"),
    path("events/<int:pk>/claims/<int:claim_pk>/unlink/", views.EventClaimUnlink.as_view(),
         name="event-claim-unlink"),
    path("events/<int:pk>/suggestions/", views.SuggestionList.as_view(),
         name="event-suggestions"),
    path("events/<int:pk>/suggestions/<int:suggestion_pk>/<str:decision>/",
         views.SuggestionDecide.as_view(), name="event-suggestion-decide"),
    path("events/<int:pk>/bulk/<str:action>/", views.EventBulk.as_view(), name="event-bulk"),
    path("events/<int:pk>/dashboard/", views.EventDashboard.as_view(), name="event-dashboard"),
    path("vendor-organisations/<int:organisation_pk>/capacity/",
         views.VendorCapacity.as_view(), name="vendor-capacity"),
    path("policies/<int:pk>/dependencies/", views.PolicyDependencies.as_view(),
         name="policy-dependencies"),
    path("me/events/", views.MyOpenEvents.as_view(), name="my-events"),
    path("me/events/<int:pk>/claims/", views.MyEventReport.as_view(), name="my-event-report"),
    path("me/event-reports/<int:pk>/", views.MyEventReportDetail.as_view(),
         name="my-event-report-detail"),
    path("me/policies/<int:pk>/dependencies/", views.MyPolicyDependencies.as_view(),
         name="my-policy-dependencies"),
]
