from django.urls import path

from tracker.disputes import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_create, name="create"),
    path("<int:pk>/", views.dispute_detail, name="detail"),
    path("<int:pk>/transition/", views.dispute_transition, name="transition"),
    path("<int:pk>/propose/", views.dispute_propose, name="propose"),
    path("<int:pk>/concur/", views.dispute_concur, name="concur"),
    path("<int:pk>/reject/", views.dispute_reject, name="reject"),
    path("<int:pk>/visibility/", views.dispute_visibility, name="visibility"),
    path("<int:pk>/position/", views.dispute_position, name="position"),
    path("<int:pk>/comments/", views.dispute_comment, name="comment"),
]
