from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from config.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/vendor/", include("claims.vendors.api.urls")),
    path("vendor/", include("claims.vendors.portal.urls")),
    path("portal/", include("claims.portal.urls")),
]
