from django.urls import path

from tracker.translations import views

app_name = "translations"
urlpatterns = [
    path("<slug:kind>/<int:pk>/<slug:field>/", views.translation_edit, name="edit"),
]
