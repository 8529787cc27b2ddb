from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import account_views, inbox_views, views

urlpatterns = [
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("account/second-factor/", account_views.second_factor, name="second_factor"),
    path("account/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/devices/", account_views.devices, name="devices"),
    path("account/signed-in/", account_views.signed_in, name="signed_in"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_list, name="audit"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("i18n/", include("django.conf.urls.i18n")),
]
