"""A small year built through the services, with every figure counted by hand in the tests.

    unit 测试设计院 (湖滨区, 住建局): 张三 compliant (platform public 30 in March, base attendance
        professional 24 in June, declaration practice professional 40 in November, approved);
        王五 public 10 (November); 钱七 waiting for the unit (public 10, not counted).
    sibling 测试市政公司 (411282, 住建局): 赵六 public 30 (March), a declaration rejected.
    other 测试医院 (湖滨区, 卫健委): 李四, nothing.

Reviews: 张三's declaration arrives Monday 16 Nov, the unit approves on Wednesday 18 Nov (2
working days, on time), the authority on Thursday 26 Nov (6 working days, late); 赵六's is
rejected by its unit the day it arrives (0 days); 王五's waits at the unit from 16 Nov (due
23 Nov: overdue on the 26th).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Person
from core.actors import Role
from credits import services
from filings.selectors import credential_for_token
from tests import factories
from tests.credits.helpers import declare, plan_item, platform_token


@dataclass
class Scenario:
    world: factories.World
    zhang: Person
    wang: Person
    zhao: Person
    qian: Person
    credential: object
    plan_item: object
    approved: object


def push(credential, person: Person, external_id: str, hours, completed_on: str, category="public"):
    result = services.receive_platform_completions(
        credential,
        items=[
            {
                "external_id": external_id,
                "id_number": person.reveal_id_number(),
                "name": person.name,
                "course": "数字技术与网络安全",
                "category": category,
                "hours": hours,
                "completed_on": completed_on,
            }
        ],
    )
    assert result.accepted == [external_id], result
    return result


def build(world: factories.World, today) -> Scenario:
    unit_reviewer = factories.actor(world.unit_user)
    authority_reviewer = factories.actor(world.authority_user)
    zhang = world.person
    wang = factories.person(world.unit, name="王五")
    zhao = factories.person(world.sibling_unit, name="赵六")
    qian = factories.person(world.unit, confirmed=False, name="钱七")
    credential = credential_for_token(platform_token(world))
    push(credential, zhang, "z-1", 30, "2026-03-10")
    push(credential, zhao, "s-1", 30, "2026-03-12")
    push(credential, wang, "w-1", 10, "2026-11-05")
    push(credential, qian, "q-1", 10, "2026-11-05")
    item = plan_item(world.base, starts_on=dt.date(2026, 6, 1))
    services.credit_attendance(
        factories.actor(world.base_user), plan_item_id=item.pk, rows=[(zhang, Decimal(24))]
    )

    today.set(2026, 11, 16, 10, 0, 0)
    approved = declare(zhang, hours=Decimal(40))
    rejected = declare(zhao)
    services.review_declaration(
        factories.actor(world.sibling_unit_user),
        declaration_id=rejected.pk,
        decision="reject",
        comment="证明材料不清楚",
    )
    declare(wang, title="服务基层", method="grassroots")
    today.set(2026, 11, 18, 15, 0, 0)
    services.review_declaration(unit_reviewer, declaration_id=approved.pk, decision="approve")
    today.set(2026, 11, 26, 9, 0, 0)
    services.review_declaration(authority_reviewer, declaration_id=approved.pk, decision="approve")
    return Scenario(world, zhang, wang, zhao, qian, credential, item, approved)


def staff_actor(user, role: str | None = None):
    return factories.actor(user, role)


__all__ = ["Role", "Scenario", "build", "push", "staff_actor"]
