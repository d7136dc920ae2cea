from django.urls import path

from tracker.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.check_list, name="list"),
    path("new/", views.check_create, name="create"),
    path("<int:pk>/", views.check_detail, name="detail"),
    path("<int:pk>/edit/", views.check_update, name="update"),
    path("<int:pk>/actions/", views.action_create, name="action_create"),
    path("actions/<int:pk>/close/", views.action_close, name="action_close"),
    path("<int:pk>/visibility/", views.check_visibility, name="visibility"),
    path("actions/<int:pk>/visibility/", views.action_visibility, name="action_visibility"),
]
