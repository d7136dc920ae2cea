from django.urls import path

from tracker.reports import views

app_name = "reports"
urlpatterns = [
    path("compliance/", views.compliance_report, name="compliance"),
]
