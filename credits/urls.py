from django.urls import path

from credits import intake_views
from credits.views import compliance, declarations, progress, reviews

app_name = "credits"

urlpatterns = [
    # the person
    path("me/hours/", progress.records, name="records"),
    path("me/history/", progress.history, name="history"),
    path("me/declarations/", declarations.declarations, name="declarations"),
    path("me/declarations/new/", declarations.declare, name="declare"),
    path("me/declarations/<int:declaration_id>/", declarations.declaration_detail, name="declaration_detail"),
    path(
        "me/declarations/<int:declaration_id>/edit/", declarations.declaration_edit, name="declaration_edit"
    ),
    path(
        "me/declarations/<int:declaration_id>/submit/",
        declarations.declaration_submit,
        name="declaration_submit",
    ),
    path(
        "me/declarations/<int:declaration_id>/delete/",
        declarations.declaration_delete,
        name="declaration_delete",
    ),
    path(
        "me/declarations/<int:declaration_id>/evidence/<int:evidence_id>/remove/",
        declarations.evidence_remove,
        name="evidence_remove",
    ),
    # the file itself, for the person and the reviewers in scope
    path(
        "declarations/<int:declaration_id>/evidence/<int:evidence_id>/",
        declarations.evidence,
        name="evidence",
    ),
    # reviewers
    path("reviews/", reviews.review_queue, name="review_queue"),
    path("reviews/batch-approve/", reviews.batch_approve, name="batch_approve"),
    path("reviews/<int:declaration_id>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:declaration_id>/decide/", reviews.review_decide, name="review_decide"),
    # supervision
    path("compliance/", compliance.compliance, name="compliance"),
    path("forecast/", compliance.forecast, name="forecast"),
    path("people/<int:person_id>/", compliance.person_detail, name="person_detail"),
    path("timeliness/", reviews.timeliness, name="timeliness"),
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
