"""Notice and help pages: reading (anyone, by audience), the bureau's management pages, and the
files of a notice, served only to those who may read the notice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletins import selectors, services
from bulletins.forms import AttachmentForm, FaqForm, NoticeForm
from bulletins.models import Notice
from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from core.forms import apply_domain_error

PAGE_SIZE = 20


def _actor(request):
    return getattr(request, "actor", None)


def _manager(request):
    actor = _actor(request)
    if not selectors.may_manage(actor):
        raise Forbidden(_("只有人社局可以管理通知公告。"))
    return actor


# --- reading ---------------------------------------------------------------------------------


def notice_list(request):
    actor = _actor(request)
    page = Paginator(selectors.notices_for(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "bulletins/list.html",
        {"page": page, "logged_in": actor is not None, "may_manage": selectors.may_manage(actor)},
    )


def notice_detail(request, notice_id: int):
    actor = _actor(request)
    notice = selectors.notice_for(actor, notice_id)
    services.mark_read(request.user, notice_ids=[notice.pk])
    may_manage = (
        selectors.may_manage(actor) and selectors.managed_notices(actor).filter(pk=notice.pk).exists()
    )
    return render(
        request,
        "bulletins/detail.html",
        {"notice": notice, "attachments": notice.attachments.all(), "may_manage": may_manage},
    )


def attachment(request, notice_id: int, attachment_id: int):
    item = selectors.attachment_for(_actor(request), notice_id, attachment_id)
    inline = item.content_type == services.PDF and request.GET.get("download") != "1"
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=not inline,
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def mark_all_read(request):
    actor = _actor(request)
    count = services.mark_read(
        request.user, notice_ids=[n.pk for n in selectors.notices_for(actor).filter(is_read=False)]
    )
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("bulletins:list")


# --- the bureau's pages ----------------------------------------------------------------------


@login_required
def manage(request):
    actor = _manager(request)
    state = request.GET.get("state", "")
    qs = selectors.managed_notices(actor)
    if state in Notice.State.values:
        qs = qs.filter(state=state)
    qs = qs.order_by("-pinned", "-updated_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "bulletins/manage.html",
        {"page": page, "state": state, "states": Notice.State.choices},
    )


@login_required
def create(request):
    actor = _manager(request)
    regions = selectors.region_choices(actor)
    if request.method == "POST":
        form = NoticeForm(request.POST, regions=regions)
        if form.is_valid():
            try:
                notice = services.create_notice(actor, content=services.NoticeInput(**form.cleaned_data))
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("已保存草稿“%(t)s”。添加附件后即可发布。") % {"t": notice.title})
                return redirect("bulletins:edit", notice.pk)
    else:
        form = NoticeForm(regions=regions, initial={"region_id": actor.organisation.region_id})
    return render(request, "bulletins/form.html", {"form": form, "notice": None})


@login_required
def edit(request, notice_id: int):
    actor = _manager(request)
    notice = selectors.managed_notice(actor, notice_id)
    regions = selectors.region_choices(actor)
    if request.method == "POST":
        form = NoticeForm(request.POST, regions=regions)
        if form.is_valid():
            try:
                services.update_notice(
                    actor, notice_id=notice.pk, content=services.NoticeInput(**form.cleaned_data)
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("已保存“%(t)s”。") % {"t": form.cleaned_data["title"]})
                return redirect("bulletins:edit", notice.pk)
    else:
        form = NoticeForm(
            regions=regions,
            initial={
                "title": notice.title,
                "document_number": notice.document_number,
                "body": notice.body,
                "region_id": notice.region_id,
                "is_public": notice.is_public,
                "audience": notice.audience_roles,
                "pinned": notice.pinned,
            },
        )
    return render(
        request,
        "bulletins/form.html",
        {
            "form": form,
            "notice": notice,
            "attachments": notice.attachments.all(),
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
@require_POST
def upload(request, notice_id: int):
    actor = _manager(request)
    notice = selectors.managed_notice(actor, notice_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("附件：请选择要上传的文件。"))
        return redirect("bulletins:edit", notice.pk)
    try:
        item = services.attach_file(actor, notice_id=notice.pk, uploaded=form.cleaned_data["file"])
    except Invalid as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("已添加附件“%(name)s”。") % {"name": item.original_name})
    return redirect("bulletins:edit", notice.pk)


@login_required
@require_POST
def remove_file(request, notice_id: int, attachment_id: int):
    actor = _manager(request)
    notice = selectors.managed_notice(actor, notice_id)
    item = notice.attachments.filter(pk=attachment_id).first()
    if item is None:
        raise NotFound()
    services.remove_attachment(actor, notice_id=notice.pk, attachment_id=item.pk)
    messages.success(request, _("已删除附件“%(name)s”。") % {"name": item.original_name})
    return redirect("bulletins:edit", notice_id)


def _state_change(request, notice_id: int, change, done: str, back: str = "bulletins:edit"):
    actor = _manager(request)
    try:
        notice = change(actor, notice_id=notice_id)
    except (Conflict, Invalid) as exc:
        messages.error(request, exc.detail)
        return redirect(back, notice_id)
    messages.success(request, done % {"t": notice.title})
    return redirect(back, notice_id)


@login_required
@require_POST
def publish(request, notice_id: int):
    return _state_change(
        request, notice_id, services.publish_notice, _("已发布“%(t)s”，发布对象现在可以看到。")
    )


@login_required
@require_POST
def withdraw(request, notice_id: int):
    return _state_change(request, notice_id, services.withdraw_notice, _("已撤回“%(t)s”。"))


@login_required
@require_POST
def delete(request, notice_id: int):
    actor = _manager(request)
    notice = selectors.managed_notice(actor, notice_id)
    try:
        services.delete_notice(actor, notice_id=notice.pk)
    except (Conflict, Invalid) as exc:
        messages.error(request, exc.detail)
        return redirect("bulletins:edit", notice.pk)
    messages.success(request, _("已删除草稿“%(t)s”。") % {"t": notice.title})
    return redirect("bulletins:manage")


# --- help --------------------------------------------------------------------------------------


def help_page(request):
    actor = _actor(request)
    return render(
        request,
        "bulletins/help.html",
        {
            "groups": selectors.faq_by_role(actor.role if actor else None),
            "contacts": selectors.contacts(),
            "may_edit": selectors.may_edit_faq(actor),
        },
    )


@login_required
def faq_manage(request):
    actor = _manager(request)
    return render(
        request,
        "bulletins/faq_manage.html",
        {
            "entries": selectors.faq_entries(include_hidden=True),
            "may_edit": selectors.may_edit_faq(actor),
        },
    )


def _faq_editor(request):
    actor = _manager(request)
    if not selectors.may_edit_faq(actor):
        raise Forbidden(_("帮助页由市人社局维护，县级人社局只能查看。"))
    return actor


@login_required
def faq_create(request):
    actor = _faq_editor(request)
    form = FaqForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_faq(actor, content=services.FaqInput(**form.cleaned_data))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("已添加问题“%(q)s”。") % {"q": entry.question})
            return redirect("bulletins:faq_manage")
    return render(request, "bulletins/faq_form.html", {"form": form, "entry": None})


@login_required
def faq_edit(request, entry_id: int):
    actor = _faq_editor(request)
    entry = selectors.faq_entry(entry_id)
    if request.method == "POST":
        form = FaqForm(request.POST)
        if form.is_valid():
            try:
                services.update_faq(actor, entry_id=entry.pk, content=services.FaqInput(**form.cleaned_data))
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("已保存问题“%(q)s”。") % {"q": form.cleaned_data["question"]})
                return redirect("bulletins:faq_manage")
    else:
        form = FaqForm(
            initial={
                "audience": entry.audience,
                "question": entry.question,
                "answer": entry.answer,
                "position": entry.position,
                "is_published": entry.is_published,
            }
        )
    return render(request, "bulletins/faq_form.html", {"form": form, "entry": entry})
