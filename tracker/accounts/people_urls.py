from django.urls import path

from tracker.accounts import people_views

app_name = "people"

urlpatterns = [
    path("", people_views.people_list, name="list"),
    path("invite/", people_views.person_invite, name="invite"),
    path("<int:pk>/", people_views.person_detail, name="detail"),
    path("<int:pk>/role/", people_views.person_change_role, name="change_role"),
    path("<int:pk>/deactivate/", people_views.person_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", people_views.person_reactivate, name="reactivate"),
    path(
        "<int:pk>/two-factor/remove/",
        people_views.person_remove_two_factor,
        name="remove_two_factor",
    ),
    path("<int:pk>/invitation/", people_views.person_resend_invitation, name="resend_invitation"),
]
