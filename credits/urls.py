from django.urls import path

from credits import intake_views, views

app_name = "credits"

urlpatterns = [
    # the person
    path("me/hours/", views.records, name="records"),
    path("me/history/", views.history, name="history"),
    path("me/declarations/", views.declarations, name="declarations"),
    path("me/declarations/new/", views.declare, name="declare"),
    path("me/declarations/<int:declaration_id>/", views.declaration_detail, name="declaration_detail"),
    path("me/declarations/<int:declaration_id>/edit/", views.declaration_edit, name="declaration_edit"),
    path("me/declarations/<int:declaration_id>/submit/", views.declaration_submit, name="declaration_submit"),
    path("me/declarations/<int:declaration_id>/delete/", views.declaration_delete, name="declaration_delete"),
    path(
        "me/declarations/<int:declaration_id>/evidence/<int:evidence_id>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    # the file itself, for the person and the reviewers in scope
    path("declarations/<int:declaration_id>/evidence/<int:evidence_id>/", views.evidence, name="evidence"),
    # reviewers
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/batch-approve/", views.batch_approve, name="batch_approve"),
    path("reviews/<int:declaration_id>/", views.review_detail, name="review_detail"),
    path("reviews/<int:declaration_id>/decide/", views.review_decide, name="review_decide"),
    # supervision
    path("compliance/", views.compliance, name="compliance"),
    path("forecast/", views.forecast, name="forecast"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
    path("timeliness/", views.timeliness, name="timeliness"),
    # the learning platforms' intake and the integrity list
    path("platform-intake/", intake_views.platform_intake, name="platform_intake"),
    path(
        "platform-intake/<int:platform_id>/",
        intake_views.platform_intake_detail,
        name="platform_intake_detail",
    ),
    path("integrity/", intake_views.integrity_list, name="integrity"),
    path("integrity/<int:flag_id>/decide/", intake_views.integrity_decide, name="integrity_decide"),
]
