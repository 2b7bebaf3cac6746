from django.contrib import admin
from django.urls import include, path

from claims.api.views.auth import RateLimitedLoginView
from config.health import healthz
from config.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", RateLimitedLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("language.urls")),
    path("admin/", admin.site.urls),
    path("api/vendor/", include("claims.vendors.api.urls")),
    path("api/privacy/", include("privacy.api.urls")),
    path("api/", include("claims.api.urls")),
    path("vendor/", include("claims.vendors.portal.urls")),
    path("portal/privacy/", include("privacy.portal.urls")),
    path("portal/", include("claims.portal.urls")),
]
handler404 = "config.api.not_found"
