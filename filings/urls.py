from django.urls import path

from filings import views

app_name = "filings"

urlpatterns = [
    path("", views.plan_list, name="index"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/template.xlsx", views.plan_template, name="plan_template"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", views.submit, {"kind": "plan"}, name="plan_submit"),
    path("plans/<int:plan_id>/import/", views.plan_import, name="plan_import"),
    path("plans/<int:plan_id>/export/<str:fmt>/", views.plan_export, name="plan_export"),
    path("imports/<int:job_id>/", views.import_job, name="import_job"),
    path("imports/<int:job_id>/rerun/", views.import_job_rerun, name="import_job_rerun"),
    path("platforms/", views.platform_list, name="platform_list"),
    path("platforms/new/", views.platform_create, name="platform_create"),
    path("platforms/<int:filing_id>/", views.platform_detail, name="platform_detail"),
    path("platforms/<int:filing_id>/edit/", views.platform_edit, name="platform_edit"),
    path("platforms/<int:pk>/submit/", views.submit, {"kind": "platform"}, name="platform_submit"),
    path("platforms/<int:filing_id>/export/<str:fmt>/", views.platform_export, name="platform_export"),
    path("platforms/<int:filing_id>/credentials/rotate/", views.credential_rotate, name="credential_rotate"),
    path("credentials/<int:credential_id>/revoke/", views.credential_revoke, name="credential_revoke"),
    path("<str:kind>/<int:pk>/opinion/", views.opinion, name="opinion"),
    path("<str:kind>/<int:pk>/decide/", views.decide, name="decide"),
    path("inbox/", views.inbox, name="inbox"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("late-missing/", views.late_missing, name="late_missing"),
]
