from django.urls import path

from tracker.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    # Before the agreement's own pages: "new" is not a short name (planning.forms).
    path("new/", views.agreement_create, name="agreement_create"),
    path("<slug:agreement>/", views.agreement_detail, name="agreement"),
    path("<slug:agreement>/edit/", views.agreement_edit, name="agreement_edit"),
    path("<slug:agreement>/provisions/new/", views.provision_create, name="provision_create"),
    path("<slug:agreement>/provisions/<int:pk>/", views.provision_plan, name="provision"),
    path("<slug:agreement>/provisions/<int:pk>/edit/", views.provision_edit, name="provision_edit"),
    path(
        "<slug:agreement>/provisions/<int:pk>/milestones/new/",
        views.milestone_create,
        name="milestone_create",
    ),
    path("<slug:agreement>/milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path(
        "<slug:agreement>/milestones/<int:pk>/replan/",
        views.milestone_replan,
        name="milestone_replan",
    ),
    path(
        "<slug:agreement>/milestones/<int:pk>/cancel/",
        views.milestone_cancel,
        name="milestone_cancel",
    ),
    path("<slug:agreement>/import/", views.import_plan, name="import"),
    path("<slug:agreement>/import/confirm/", views.import_confirm, name="import_confirm"),
    path("<slug:agreement>/import/template.xlsx", views.import_template, name="import_template"),
]
