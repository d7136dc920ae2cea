from django.urls import path

from tracker.milestones import views

app_name = "milestones"
urlpatterns = [
    path("milestones/", views.milestone_list, name="list"),
    path("milestones/<int:pk>/", views.milestone_detail, name="detail"),
    path("activity/", views.activity, name="activity"),
]
