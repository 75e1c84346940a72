"""The staff compliance sheet: a hostile name typed at registration stays inert text, and the
sheet prints its 12 columns on one landscape A4 page wide with the header repeated."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from core.sheets import display_width
from reports import exports
from reports.models import ExportJob
from tests import factories
from tests.reports.conftest import credit

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '=HYPERLINK("http://e.cn","张")'


def _register_and_confirm(api, api_as, world, name):
    body = {
        "name": name,
        "id_number": factories.valid_id_number(),
        "phone": "13812345678",
        "password": "Xuexi2025ok",
        "unit_id": world.unit.pk,
        "profession": "engineering",
    }
    registered = api.post("register", body)
    assert registered.status_code == 201, registered.json()
    person_id = registered.json()["person_id"]
    assert api_as(world.unit_user).post(f"unit/members/{person_id}/confirm").status_code == 200
    return person_id


@pytest.fixture
def sheet(world, api, api_as, django_capture_on_commit_callbacks):
    _register_and_confirm(api, api_as, world, HOSTILE_NAME)
    _register_and_confirm(api, api_as, world, "@张三")
    credit(world.person, "public", 12.5)
    client = Client()
    client.force_login(world.unit_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/reports/compliance.xlsx", {"year": 2026}).status_code == 302
    job = ExportJob.objects.latest("pk")
    assert job.state == ExportJob.State.DONE, job.error
    return load_workbook(io.BytesIO(job.file.read())).active


def test_no_cell_is_a_formula_and_hostile_names_read_back_as_typed(sheet):
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    names = {c.value: c for (c,) in sheet.iter_rows(min_row=4, min_col=2, max_col=2)}
    assert HOSTILE_NAME in names and "@张三" in names
    assert names[HOSTILE_NAME].data_type == "s" and names[HOSTILE_NAME].quotePrefix


def test_hours_print_without_a_useless_decimal(sheet, world):
    rows = {r[1]: r for r in sheet.iter_rows(min_row=4, values_only=True) if r and r[1]}
    mine = rows[world.person.name]
    assert mine[4] == 12.5 and mine[8] == "90/30/60" and mine[9] == 17.5


def test_page_setup_a4_landscape_one_page_wide_header_repeated_and_frozen(sheet):
    setup = sheet.page_setup
    assert (str(setup.paperSize), setup.orientation) == (sheet.PAPERSIZE_A4, "landscape")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$3:$3" and sheet.freeze_panes == "A4"
    headers = [sheet.cell(row=3, column=c).value for c in range(1, 13)]
    assert headers[8] == "要求（总/公需/专业）"


def test_every_header_fits_its_column():
    """Bold CJK is a little wider than two units: one unit to spare per header."""
    for header, width in zip(exports.HEADERS, exports.COLUMN_WIDTHS, strict=True):
        assert display_width(str(header)) + 1 <= width, header
