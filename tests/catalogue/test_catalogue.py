"""The activity catalogue itself: the 13 kinds seeded with their evidence, hour standards left
to the reviewer, carried into a new year, kept by city (or province) bureaus only."""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import AuditEntry
from catalogue import selectors, services
from catalogue.models import ActivityType
from core.actors import SYSTEM, Role
from core.errors import DomainError, Forbidden
from policy.models import Method
from policy.years import ensure_policy_year
from tests import factories
from tests.catalogue.helpers import SLOTS, edit_kind, kind

pytestmark = pytest.mark.django_db


def test_the_year_has_the_thirteen_kinds_of_the_henan_platform_with_their_evidence():
    kinds = list(selectors.types_of_year(2026))
    assert sorted({k.number for k in kinds}) == list(range(1, 14))
    assert len(kinds) == 14  # type 6: books and papers, whose evidence differs
    assert {k.code: [s.code for s in k.slots.all() if s.required] for k in kinds} == SLOTS
    paper = kind("paper")
    assert [s.name for s in paper.slots.all()] == ["杂志封面", "目录", "文章"]
    assert [s.name for s in kind("book").slots.all()] == ["封面", "扉页", "目录"]
    assert [(s.name, s.required) for s in kind("degree_study").slots.all()] == [
        ("当年度成绩单", True),
        ("单位派出证明", False),
        ("进修单位考核证明", False),
    ]
    # Every kind belongs to one of the notice's five methods (the §5 `method` values).
    assert {k.method for k in kinds} <= set(Method.values)
    assert {k.code for k in kinds if k.needs_plan_item} == {"base_class", "authority_training"}
    assert {k.code for k in kinds if k.base_reported} == {"base_class"}


def test_the_measures_fix_no_hour_figure_so_every_standard_is_left_to_the_reviewer():
    for k in selectors.types_of_year(2026):
        assert k.hours_per_day is None and k.yearly_cap is None
        assert all(lv.hours is None for lv in k.levels.all())
    assert [lv.name for lv in kind("paper").levels.all()] == ["核心期刊", "一般期刊"]
    assert [lv.name for lv in kind("patent").levels.all()] == ["发明专利", "实用新型专利", "外观设计专利"]


def test_a_new_year_starts_from_the_catalogue_of_the_year_before_as_the_bureau_left_it(world):
    edit_kind(world, "paper", yearly_cap=Decimal("40"))
    ensure_policy_year(SYSTEM, year=2027)
    assert services.ensure_catalogue(2027) is True
    assert services.ensure_catalogue(2027) is False  # once
    carried = kind("paper", 2027)
    assert carried.yearly_cap == Decimal("40") and carried.pk != kind("paper").pk
    assert [s.code for s in carried.slots.all()] == ["journal_cover", "contents", "article"]
    assert AuditEntry.objects.filter(action="catalogue.carried_forward", target_id="2027").exists()


def test_a_city_bureau_changes_a_kind_audited_with_before_and_after(world):
    edit_kind(
        world,
        "conference",
        hour_rule="per_day",
        hours_per_day=Decimal("6"),
        slots=[{"code": "notice", "name": "会议通知", "required": True, "help": ""}],
    )
    conference = kind("conference")
    assert conference.hours_per_day == Decimal("6")
    assert [s.code for s in conference.slots.all()] == ["notice"]
    entry = AuditEntry.objects.get(action="catalogue.type_changed", target_id=str(conference.pk))
    assert entry.before["hours_per_day"] is None and entry.after["hours_per_day"] == 6.0
    assert len(entry.before["slots"]) == 3 and len(entry.after["slots"]) == 1


def test_a_county_bureau_and_other_roles_cannot_change_the_catalogue(world):
    county = factories.actor(world.county_bureau_user, Role.BUREAU)
    k = kind("patent")
    with pytest.raises(Forbidden):
        services.save_activity_type(
            county, year=2026, code="patent", content=services.ActivityTypeInput(yearly_cap=Decimal("1"))
        )
    unit = factories.actor(world.unit_user, Role.UNIT)
    with pytest.raises(Forbidden):
        services.save_activity_type(
            unit, year=2026, code="patent", content=services.ActivityTypeInput(yearly_cap=Decimal("1"))
        )
    assert kind("patent").yearly_cap is None and kind("patent").slots.count() == k.slots.count()


def test_bad_catalogue_edits_are_refused_naming_the_rule(world):
    with pytest.raises(DomainError) as exc:
        edit_kind(
            world,
            "paper",
            slots=[
                {"code": "cover", "name": "封面", "required": True, "help": ""},
                {"code": "cover", "name": "封面二", "required": True, "help": ""},
            ],
        )
    assert exc.value.errors[0]["field"] == "slots" and "代码不能重复" in exc.value.errors[0]["message"]
    bureau = factories.actor(world.bureau_user, Role.BUREAU)
    with pytest.raises(DomainError) as exc:
        services.save_activity_type(
            bureau,
            year=2026,
            code=None,
            content=services.ActivityTypeInput(
                code="paper",
                number=6,
                name="重复",
                method="practice",
                category="professional",
                hour_rule="declared",
            ),
        )
    assert exc.value.errors[0]["field"] == "code"
    with pytest.raises(DomainError) as exc:
        services.save_activity_type(
            bureau,
            year=2026,
            code=None,
            content=services.ActivityTypeInput(
                code="lecture",
                number=14,
                name="讲座",
                method="training",
                category="public",
                hour_rule="per_item",
            ),
        )
    assert exc.value.errors[0]["field"] == "levels"
    assert not ActivityType.objects.filter(code="lecture").exists()


def test_a_year_without_rules_has_no_catalogue():
    assert list(selectors.types_of_year(1999)) == []
    assert selectors.activity_type(dt.date.today().year + 5, "paper") is None
