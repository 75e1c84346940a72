from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificate, name="mine"),
    path("print.pdf", views.print_certificate, name="print"),
    path("credentials/<int:year>.jwt", views.my_credential, name="credential"),
    path("people/<int:person_id>/", views.person_certificate, name="person"),
    path("verify/", views.verify, name="verify"),
    path("status/<int:list_no>", views.status_list, name="status_list"),
]

# Served at the site root (config/urls.py): where verifiers look for the issuer's keys.
well_known = [
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path(".well-known/did.json", views.did_document, name="did"),
]
