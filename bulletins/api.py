"""Notices in the API: anyone reads the public ones; with a bearer token, those addressed to the
token's role and region (with `read`), and a bureau also those it manages. A notice outside
that is a 404 in the §5 error format."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse
from django.urls import reverse
from ninja import Field, Router
from ninja.pagination import paginate

from bulletins import selectors, services
from bulletins.models import Notice
from core.actors import Actor
from core.api import BearerAuth
from core.dates import local_day
from core.media import DOCX, PDF, XLSX
from core.openapi import binary_answer, enum_of
from core.pagination import LimitOffsetPagination
from core.schemas import Schema

router = Router(tags=["通知公告"])

ANONYMOUS = Actor(user=None, role="anonymous")


class OptionalBearer(BearerAuth):
    """No Authorization header: a visitor (public notices). A header with a bad or expired
    token: 401, as everywhere else — a client that sent a token wants to know it failed."""

    def __call__(self, request):
        if not request.headers.get("Authorization"):
            return ANONYMOUS
        return super().__call__(request)


auth = OptionalBearer()


def _actor(request) -> Actor | None:
    return None if request.auth is ANONYMOUS else request.auth


class RegionOut(Schema):
    code: str
    name: str


class AudienceOut(Schema):
    public: bool
    roles: list[str]


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class NoticeRow(Schema):
    id: int
    title: str
    document_number: str
    publisher: str
    region: RegionOut
    audience: AudienceOut
    pinned: bool
    state: str = Field(json_schema_extra=enum_of(Notice.State))
    published_at: dt.datetime | None
    published_on: dt.date | None
    attachment_count: int
    read: bool | None

    @staticmethod
    def resolve_publisher(obj: Notice) -> str:
        return obj.bureau.name

    @staticmethod
    def resolve_region(obj: Notice) -> dict:
        return {"code": obj.region.code, "name": obj.region.name}

    @staticmethod
    def resolve_audience(obj: Notice) -> dict:
        return {"public": obj.is_public, "roles": obj.audience_roles}

    @staticmethod
    def resolve_published_on(obj: Notice) -> dt.date | None:
        return local_day(obj.published_at) if obj.published_at else None

    @staticmethod
    def resolve_attachment_count(obj: Notice) -> int:
        return len(obj.attachments.all())  # prefetched by the list

    @staticmethod
    def resolve_read(obj: Notice) -> bool | None:
        return getattr(obj, "is_read", None)


class NoticeOut(NoticeRow):
    body: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Notice, context) -> list[dict]:
        request = context["request"]
        return [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": request.build_absolute_uri(reverse("api-v1:notice_attachment", args=[obj.pk, a.pk])),
            }
            for a in obj.attachments.all()
        ]


@router.get(
    "notices",
    response=list[NoticeRow],
    auth=auth,
    summary="通知公告列表",
    description="不带令牌：公开的通知。带令牌：发给该身份及其所在地区的通知和公开通知，"
    "`read` 表示本人是否已读。置顶的在前，其余按发布时间倒序。",
)
@paginate(LimitOffsetPagination)
def list_notices(request, **kwargs):
    return selectors.notices_for(_actor(request)).prefetch_related("attachments")


@router.get(
    "notices/{notice_id}",
    response=NoticeOut,
    auth=auth,
    summary="通知公告详情（含正文和附件）",
    description="读取后记为本人已读。无权阅读或不存在的通知 404。",
)
def get_notice(request, notice_id: int):
    actor = _actor(request)
    notice = selectors.notice_for(actor, notice_id)
    if actor is not None:
        services.mark_read(actor.user, notice_ids=[notice.pk])
        notice.is_read = True
    return notice


@router.get(
    "notices/{notice_id}/attachments/{attachment_id}",
    response={200: None},
    auth=auth,
    url_name="notice_attachment",
    summary="通知附件（PDF、DOCX、XLSX）",
    openapi_extra=binary_answer("附件", PDF, DOCX, XLSX),
)
def get_attachment(request, notice_id: int, attachment_id: int):
    item = selectors.attachment_for(_actor(request), notice_id, attachment_id)
    response = FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=True, filename=item.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
