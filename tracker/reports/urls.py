from django.urls import path

from tracker.reports import views

app_name = "reports"
urlpatterns = [
    path("compliance/", views.compliance_report, name="compliance"),
    path("issued/", views.issued_list, name="issued"),
    path("issued/new/", views.issue, name="issue"),
    path("issued/verify/", views.verify, name="verify"),
    path("issued/<int:pk>/", views.issued_detail, name="issued_detail"),
    path("issued/<int:pk>/<str:file_format>/", views.issued_download, name="issued_download"),
]
