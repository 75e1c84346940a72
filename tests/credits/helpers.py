"""Helpers for the credit-hour tests: a settable clock, plans, platforms, evidence files."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from core.actors import Role
from credits import services
from filings.models import FilingState, PlanItem, PlatformFiling, TrainingPlan
from filings.services import accept_platform_filing
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 40


def actor(user, role=None):
    return factories.actor(user, role)


def person_actor(person):
    return factories.actor(person.user, Role.PERSON)


def pdf_file(name="证明.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def plan_item(
    filer, accepted=True, category="professional", hours="24", starts_on=dt.date(2026, 6, 1), year=2026
):
    """A training plan of `filer` with one item, accepted (备案) or only submitted."""
    plan = TrainingPlan.objects.create(
        filer=filer,
        year=year,
        state=FilingState.ACCEPTED if accepted else FilingState.SUBMITTED,
        created_by=factories.staff(Role.BASE, filer) if filer.kind == "base" else _any_user(),
    )
    return PlanItem.objects.create(
        plan=plan,
        seq=1,
        project="装配式建筑新技术研修班",
        audience="工程技术人员 50 人",
        starts_on=starts_on,
        hours=Decimal(hours),
        mode="面授",
        venue="三门峡",
        category=category,
    )


def _any_user():
    from accounts.models import User

    return User.objects.order_by("id").first()


def platform_token(world, offers_public=True, offers_professional=True, year=2026, name=None):
    """A learning platform filed by the world's base and accepted by the bureau → its API key."""
    filing = PlatformFiling.objects.create(
        filer=world.base,
        year=year,
        state=FilingState.SUBMITTED,
        created_by=world.bureau_user,
        site_name=name or f"测试学习平台{year}",
        host_org=world.base.name,
        icp_number="豫ICP备2026000001号",
        domain="learn.example.cn",
        url="https://learn.example.cn/",
        offers_public=offers_public,
        offers_professional=offers_professional,
        manager_name="乔宇",
        manager_phone="03982850937",
        tech_org="技术公司",
    )
    _filing, token = accept_platform_filing(actor(world.bureau_user), filing_id=filing.pk)
    return token


def declare(person, submit=True, evidence=True, **overrides):
    """Draft (and by default submit) a declaration through the services."""
    data = {
        "category": "professional",
        "method": "practice",
        "title": "桥梁检测实践",
        "organizer": "三门峡市建筑设计研究院",
        "hours": Decimal("16"),
        "started_on": dt.date(2026, 11, 2),
        # Two weeks of practice: several of these fit beside each other under the daily limit.
        "ended_on": dt.date(2026, 11, 13),
    }
    data.update(overrides)
    who = person_actor(person)
    declaration = services.create_declaration(who, declaration=services.DeclarationInput(**data))
    if evidence:
        services.attach_evidence(who, declaration_id=declaration.pk, uploaded=pdf_file())
    if submit:
        declaration = services.submit_declaration(who, declaration_id=declaration.pk)
    return declaration


def upload(content: bytes, name: str):
    return {"file": SimpleUploadedFile(name, content)}


def png_stream():
    return io.BytesIO(PNG)
