from django.urls import path

from tracker.disputes import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("<int:pk>/", views.dispute_detail, name="detail"),
]
