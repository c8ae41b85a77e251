"""Top-level URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from accounts.token_endpoint import ObtainTokenView


def favicon(request):
    """The site's icon, which browsers ask for on every page, the admin's and the
    API documentation's too. Looked up per request: the hashed name of a
    static file is known only once the files are collected."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("operations.urls")),
    path("api/auth/token/", ObtainTokenView.as_view(), name="obtain_token"),
    path("api/", include("intelligence.api.urls")),
    path("api/", include("claims.api.urls")),
    path("sources/", include("sources.urls")),
    path("notifications/", include("notifications.urls")),
    path("intelligence/", include("intelligence.urls")),
    path("", include("claims.urls")),
]
