from django.urls import path

from tracker.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.check_list, name="list"),
    path("<int:pk>/", views.check_detail, name="detail"),
]
