from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("password/", views.change_password, name="password_change"),
    path("recover/", views.recover_password, name="recover"),
    path("recover/code/", views.recover_password_code, name="recover_code"),
    path("switch-role/", views.switch_role, name="switch_role"),
    path("unit/", views.change_unit, name="change_unit"),
    path("members/<int:person_id>/confirm/", views.confirm_member, name="confirm_member"),
    path("members/<int:person_id>/reject/", views.reject_member, name="reject_member"),
    path("people/<int:person_id>/reset-password/", views.reset_password, name="reset_password"),
    path("people/<int:person_id>/name/", views.correct_name, name="correct_name"),
]
