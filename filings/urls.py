from django.urls import path

from filings.views import decisions, import_jobs, inbox, plans, platforms

app_name = "filings"

urlpatterns = [
    path("", plans.plan_list, name="index"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/template.xlsx", plans.plan_template, name="plan_template"),
    path("plans/<int:plan_id>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", decisions.submit, {"kind": "plan"}, name="plan_submit"),
    path("plans/<int:plan_id>/import/", plans.plan_import, name="plan_import"),
    path("plans/<int:plan_id>/export/<str:fmt>/", plans.plan_export, name="plan_export"),
    path("imports/<int:job_id>/", import_jobs.import_job, name="import_job"),
    path("imports/<int:job_id>/rerun/", import_jobs.import_job_rerun, name="import_job_rerun"),
    path("platforms/", platforms.platform_list, name="platform_list"),
    path("platforms/new/", platforms.platform_create, name="platform_create"),
    path("platforms/<int:filing_id>/", platforms.platform_detail, name="platform_detail"),
    path("platforms/<int:filing_id>/edit/", platforms.platform_edit, name="platform_edit"),
    path("platforms/<int:pk>/submit/", decisions.submit, {"kind": "platform"}, name="platform_submit"),
    path("platforms/<int:filing_id>/export/<str:fmt>/", platforms.platform_export, name="platform_export"),
    path(
        "platforms/<int:filing_id>/credentials/rotate/", platforms.credential_rotate, name="credential_rotate"
    ),
    path("credentials/<int:credential_id>/revoke/", platforms.credential_revoke, name="credential_revoke"),
    path("<str:kind>/<int:pk>/opinion/", decisions.opinion, name="opinion"),
    path("<str:kind>/<int:pk>/decide/", decisions.decide, name="decide"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("exceptions/", inbox.exceptions, name="exceptions"),
    path("late-missing/", inbox.late_missing, name="late_missing"),
]
