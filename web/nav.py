"""The navigation of each role: the pages it works with, in the order it needs them.

Every name is reversed strictly: a renamed page breaks the suite, never a link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.actors import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


_ROLE_NAV: dict[str, list[tuple[str, str]]] = {
    Role.PERSON: [
        ("web:dashboard", _("我的学时")),
        ("credits:declarations", _("学时申报")),
        ("credits:records", _("学时档案")),
        ("credits:history", _("历年学时")),
        ("web:learning_entrance", _("学习入口")),
    ],
    Role.UNIT: [
        ("web:dashboard", _("工作台")),
        ("credits:review_queue", _("学时审核")),
        ("web:unit_members", _("本单位人员")),
        ("credits:compliance", _("达标情况")),
        ("credits:forecast", _("学时预测")),
        ("supervision:index", _("统计分析")),
        ("filings:plan_list", _("培训计划")),
    ],
    Role.AUTHORITY: [
        ("web:dashboard", _("工作台")),
        ("credits:review_queue", _("学时审核")),
        ("credits:timeliness", _("单位审核时效")),
        ("credits:compliance", _("达标情况")),
        ("credits:forecast", _("学时预测")),
        ("supervision:index", _("统计分析")),
        ("filings:plan_list", _("培训计划")),
        ("filings:platform_list", _("平台备案")),
        ("sampling:list", _("学时抽查")),
    ],
    Role.BASE: [
        ("web:dashboard", _("工作台")),
        ("filings:plan_list", _("培训计划")),
        ("filings:platform_list", _("平台备案")),
        ("filings:attendance_upload", _("参训报送")),
    ],
    Role.BUREAU: [
        ("web:dashboard", _("工作台")),
        ("filings:inbox", _("备案受理")),
        ("credits:compliance", _("达标统计")),
        ("credits:forecast", _("学时预测")),
        ("supervision:index", _("统计分析")),
        ("credits:platform_intake", _("平台推送")),
        ("credits:integrity", _("诚信核查")),
        ("sampling:list", _("学时抽查")),
        ("web:bureau_people", _("人员与密码")),
        ("web:policy_years", _("年度政策")),
        ("web:calendar", _("工作日历")),
        ("bulletins:manage", _("通知公告")),
    ],
}

_PUBLIC_NAV = [
    ("web:learning_entrance", _("学习入口")),
    ("web:bases", _("基地名单")),
    ("bulletins:list", _("通知公告")),
    ("bulletins:help", _("帮助")),
]


def items_for(role: str | None, path: str) -> list[NavItem]:
    entries = _ROLE_NAV.get(role, _PUBLIC_NAV) if role else _PUBLIC_NAV
    items = []
    for name, label in entries:
        items.append(NavItem(str(label), reverse(name), False))
    # The longest matching prefix is the active one ("/" only matches itself).
    best = max(
        (i for i in items if path == i.url or (i.url != "/" and path.startswith(i.url))),
        key=lambda i: len(i.url),
        default=None,
    )
    return [NavItem(i.label, i.url, i is best) for i in items]
