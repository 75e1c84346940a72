from django.urls import path

from web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("bases/", views.bases, name="bases"),
    path("learn/", views.learning_entrance, name="learning_entrance"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
