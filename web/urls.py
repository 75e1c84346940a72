from django.urls import path

from web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("bases/", views.bases, name="bases"),
    path("learn/", views.learning_entrance, name="learning_entrance"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("unit/members/", views.unit_members, name="unit_members"),
    path("unit/remind/", views.remind_staff, name="remind_staff"),
    path("bureau/people/", views.bureau_people, name="bureau_people"),
    path("bureau/policy/", views.policy_years, name="policy_years"),
    path("bureau/policy/carry-forward/", views.policy_year_carry_forward, name="policy_carry_forward"),
    path("bureau/policy/<int:year>/confirm/", views.policy_year_confirm, name="policy_confirm"),
    path("bureau/policy/<int:year>/cities/", views.regional_figures_list, name="regional_figures_list"),
    path("bureau/policy/<int:year>/cities/<str:code>/", views.regional_figures, name="regional_figures"),
    path("bureau/calendar/", views.calendar, name="calendar"),
    path("bureau/calendar/<int:year>/", views.calendar_year, name="calendar_year"),
]
