from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("report.xlsx", views.yearly_report, name="yearly_report"),
    path("<slug:key>/", views.statistic_page, name="statistic"),
    path("<slug:key>.xlsx", views.statistic_xlsx, name="statistic_xlsx"),
]
