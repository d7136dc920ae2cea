from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker.accounts.views import LoginView, set_language
from tracker.core.views import healthz
from tracker.provisions import views as provision_views
from tracker.reports.views import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("tracker.accounts.urls")),
    path("people/", include("tracker.accounts.people_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("provisions/", provision_views.provision_list, name="provision_list"),
    path("provisions/<int:pk>/", provision_views.provision_detail, name="provision_detail"),
    path("provisions/<int:pk>/assess/", provision_views.provision_assess, name="provision_assess"),
    path("", include("tracker.milestones.urls")),
    path("checks/", include("tracker.monitoring.urls")),
    path("disputes/", include("tracker.disputes.urls")),
    path("reports/", include("tracker.reports.urls")),
    path("notifications/", include("tracker.notifications.urls")),
    path("organisations/", include("tracker.organisations.urls")),
    path("audit/", include("tracker.audit.urls")),
    path("agreements/", include("tracker.planning.urls")),
    path("translations/", include("tracker.translations.urls")),
    path("admin/", admin.site.urls),
]
