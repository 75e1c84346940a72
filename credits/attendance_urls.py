"""The attendance pages, served under /filings/ in the filings namespace (config/urls.py):
their addresses and names are those the base has always used."""

from django.urls import path

from credits import attendance_views

urlpatterns = [
    path("attendance/", attendance_views.attendance_index, name="attendance_upload"),
    path("items/<int:item_id>/attendance/", attendance_views.attendance_page, name="attendance"),
]
