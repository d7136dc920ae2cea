"""A person's own account, under /accounts/. The password pages keep Django's URL names,
which Django's views redirect to."""

from django.contrib.auth import views as auth_views
from django.urls import path

from tracker.accounts import views

urlpatterns = [
    path("", views.account, name="account"),
    path(
        "password_change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "invitation/<str:token>/new-link/",
        views.invitation_new_link,
        name="invitation_new_link",
    ),
]
