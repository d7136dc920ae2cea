from django.urls import path

from tracker.milestones import views

app_name = "milestones"
urlpatterns = [
    path("milestones/", views.milestone_list, name="list"),
    path("milestones/<int:pk>/", views.milestone_detail, name="detail"),
    path("milestones/<int:pk>/update/", views.milestone_update, name="update"),
    path("milestones/<int:pk>/verify/", views.milestone_verify, name="verify"),
    path("milestones/<int:pk>/return/", views.milestone_return, name="return"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/visibility/", views.evidence_visibility, name="evidence_visibility"),
    path("updates/<int:pk>/visibility/", views.update_visibility, name="update_visibility"),
    path("evidence/<int:pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
    path("activity/", views.activity, name="activity"),
]
