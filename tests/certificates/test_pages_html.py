"""The certificate pages are valid HTML (the Nu HTML checker, as for the roles' main pages)."""

import shutil

import pytest
from django.test import Client

from certificates.models import CertificatePrint
from tests.browser.test_accessibility import nu_errors

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML checker needs Java"),
]


def test_the_certificate_pages_have_no_html_errors(world, hours, signing_key):
    person = Client()
    person.force_login(world.person.user)
    person.get("/certificates/credentials/2026.jwt")
    person.get("/certificates/print.pdf")
    printout = CertificatePrint.objects.get()
    unit = Client()
    unit.force_login(world.unit_user)
    pages = {
        "mine": person.get("/certificates/"),
        "staff": unit.get(f"/certificates/people/{hours.pk}/"),
        "verify-form": Client().get("/certificates/verify/"),
        "verified": Client().get(
            "/certificates/verify/", {"number": printout.certificate.number, "code": printout.code}
        ),
        "missing": Client().get("/certificates/verify/", {"number": "1", "code": "2"}),
    }
    assert [p.status_code for p in pages.values()] == [200, 200, 200, 200, 404]
    errors = nu_errors({name: p.content.decode() for name, p in pages.items()})
    assert errors == {name: [] for name in pages}
