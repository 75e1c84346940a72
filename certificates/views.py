"""Certificate pages: the person's certificate with its live register (print, download a
yearly credential), a staff view of a person's certificate within scope, the public
verification page, and the public key and status-list documents a verifier fetches.

Thin: reads through certificates.selectors (scoped; outside → 404), writes through
certificates.services (one transaction each, audited).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from certificates import credentials, keys, selectors, services
from certificates.numbering import display
from core.dates import local_day, local_time
from core.errors import Forbidden, NotFound
from core.media import PDF
from reports.records import format_code
from reports.services import mask_name


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def verify_url(request):
    def url(number: str, code: str) -> str:
        query = urlencode({"number": number, "code": code})
        return request.build_absolute_uri(reverse("certificates:verify") + "?" + query)

    return url


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def credential_response(issued: services.Credential) -> HttpResponse:
    response = HttpResponse(issued.token, content_type=credentials.MEDIA_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, issued.filename)
    return _private(response)


def _page(request, person, staff: bool):
    certificate = services.ensure_certificate(request.actor, person_id=person.pk)
    view = selectors.certificate_view(person)
    return render(
        request,
        "certificates/certificate.html",
        {
            "view": view,
            "certificate": certificate,
            "number": display(certificate.number),
            "issued_on": local_day(certificate.issued_at),
            "staff": staff,
            "credential_links": not staff,
        },
    )


@login_required
def my_certificate(request):
    return _page(request, selectors.person_of(_actor(request)), staff=False)


@login_required
def person_certificate(request, person_id: int):
    return _page(request, selectors.person_of(_actor(request), person_id), staff=True)


def _actor(request):
    if request.actor is None:
        raise Forbidden(_("当前身份不能查看继续教育证书。"))
    return request.actor


@login_required
def print_certificate(request):
    printed = services.print_certificate(_actor(request), verify_url=verify_url(request))
    response = HttpResponse(printed.pdf, content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(False, printed.filename)
    return _private(response)


@login_required
def my_credential(request, year: int):
    issued = services.issue_year_credential(
        _actor(request), year=year, host=request.get_host(), base_url=base_url(request)
    )
    return credential_response(issued)


def verify(request):
    """Public: the register as printed with this number and code, and whether it changed."""
    number = request.GET.get("number", "")
    code = request.GET.get("code", "")
    context = {"number_input": number, "code_input": code}
    if not (number or code):
        return render(request, "certificates/verify.html", context)
    try:
        found = selectors.verify(number, code)
    except NotFound:
        return render(request, "certificates/verify.html", {**context, "not_found": True}, status=404)
    return render(
        request,
        "certificates/verify.html",
        {
            **context,
            "v": found,
            "name": mask_name(found.print.snapshot["name"]),
            "number": display(found.certificate.number),
            "code": format_code(found.print.code),
            "printed_at": local_time(found.print.printed_at),
        },
    )


def _public_json(body: dict, content_type: str = "application/json") -> JsonResponse:
    response = JsonResponse(body, content_type=content_type, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch it from anywhere
    response["Cache-Control"] = "public, max-age=300"
    return response


def jwks(request):
    return _public_json(keys.jwks(), "application/jwk-set+json")


def did_document(request):
    return _public_json(credentials.did_document(credentials.did_web(request.get_host()), keys.jwks()))


def status_list(request, list_no: int):
    """Public: the revocation status list as a signed BitstringStatusListCredential (VC-JWT)."""
    if not selectors.status_list_exists(list_no):
        raise NotFound(_("状态列表不存在。"))
    try:
        key = keys.signing_key()
    except keys.MissingKey:
        raise NotFound(_("状态列表不存在。")) from None
    issuer = credentials.did_web(request.get_host())
    url = f"{base_url(request)}{reverse('certificates:status_list', args=[list_no])}"
    body = credentials.status_list_credential(
        issuer, url, selectors.revoked_positions(list_no), timezone.now()
    )
    response = HttpResponse(credentials.sign(body, key, issuer), content_type=credentials.MEDIA_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"
    return response
