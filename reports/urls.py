from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("compliance.xlsx", views.compliance_xlsx, name="compliance_xlsx"),
]
