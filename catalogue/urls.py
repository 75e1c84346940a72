from django.urls import path

from catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/new/", views.edit, name="new"),
    path("<int:year>/<slug:code>/", views.edit, name="edit"),
]
