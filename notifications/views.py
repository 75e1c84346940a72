from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import services
from notifications.models import Notification


@login_required
def notification_list(request):
    qs = Notification.objects.filter(user=request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        qs = qs.filter(read_at=None)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    response = render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})
    # What was shown is read now (this answer still marks it 未读 once).
    services.mark_read(request.user, notification_ids=[n.pk for n in page if n.read_at is None])
    return response


@login_required
@require_POST
def mark_all_read(request):
    ids = Notification.objects.filter(user=request.user, read_at=None).values_list("pk", flat=True)
    count = services.mark_read(request.user, notification_ids=list(ids))
    messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": count})
    return redirect("notifications:list")
