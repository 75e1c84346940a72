from django.urls import path

from sampling import views

app_name = "sampling"

urlpatterns = [
    path("", views.sample_list, name="list"),
    path("<int:sample_id>/", views.sample_detail, name="detail"),
    path("<int:sample_id>/items/<int:item_id>/decide/", views.item_decide, name="decide"),
]
