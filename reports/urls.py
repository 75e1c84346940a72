from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("record.pdf", views.my_record, name="my_record"),
    path("people/<int:person_id>/record.pdf", views.person_record, name="person_record"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("compliance.xlsx", views.compliance_xlsx, name="compliance_xlsx"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:job_id>/", views.export_job, name="export_job"),
    path("exports/<int:job_id>/status/", views.export_status, name="export_status"),
    path("exports/<int:job_id>/download/", views.export_download, name="export_download"),
]
