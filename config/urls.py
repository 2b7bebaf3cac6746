from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import two_factor_views
from accounts import views as account_views
from accounts.forms import PasswordResetForm
from config.health import healthz
from config.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/api-tokens/", account_views.api_tokens, name="api_tokens"),
    path("accounts/two-factor/", two_factor_views.two_factor, name="two_factor"),
    path("accounts/password_reset/",
         auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
         name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("language.urls")),
    path("admin/", admin.site.urls),
    path("api/vendor/", include("claims.vendors.api.urls")),
    path("api/privacy/", include("privacy.api.urls")),
    path("api/", include("claims.events.api.urls")),
    path("api/", include("claims.api.urls")),
    path("vendor/", include("claims.vendors.portal.urls")),
    path("portal/privacy/", include("privacy.portal.urls")),
    path("portal/", include("claims.events.portal.urls")),
    path("portal/", include("claims.portal.urls")),
]
handler404 = "config.api.not_found"
handler500 = "config.errors.server_error"
