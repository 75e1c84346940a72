from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import (
    LoginForm,
    NameCorrectionForm,
    PasswordChangeForm,
    ReasonForm,
    RecoveryCodeForm,
    RecoveryRequestForm,
    RegistrationForm,
    UnitChangeForm,
)
from accounts.middleware import SESSION_KEY
from accounts.selectors import current_membership, pending_membership, person_for_actor, roles_of
from core.actors import Role
from core.errors import DomainError, Forbidden, Invalid
from core.forms import apply_domain_error
from core.security import ClientRateThrottle
from core.text import mask_phone
from core.views import actor_in_role

# The same limit as POST register in the API: one address registering without end is a bot.
REGISTER_THROTTLE = ClientRateThrottle("register")
RECOVERY_THROTTLE = ClientRateThrottle("recovery")
RECOVERY_SESSION_KEY = "password_recovery"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.get_user().must_change_password:
            messages.warning(self.request, _("您的密码已被重置，请先设置新密码。"))
            return redirect("accounts:password_change")
        return response


class LogoutView(auth_views.LogoutView):
    pass


def register(request):
    if request.method == "POST" and not REGISTER_THROTTLE.allow_request(request):
        wait = REGISTER_THROTTLE.retry_after()
        context = {
            "form": RegistrationForm(initial=request.POST.dict()),
            "refused": _("注册请求过于频繁，请 %(n)s 秒后再试。") % {"n": wait},
        }
        response = render(request, "accounts/register.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.register_person(
                services.Registration(
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    password=data["password"],
                    unit_id=data["unit_id"].pk,
                    profession=data["profession"],
                )
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            login(request, person.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("注册成功。您的账号为 %(username)s，也可以用身份证号码登录。工作单位关系待“%(unit)s”确认。")
                % {"username": person.user.username, "unit": data["unit_id"].name},
            )
            return redirect("web:dashboard")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def change_password(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                request.actor,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("web:dashboard")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_POST
def switch_role(request):
    wanted = request.POST.get("role_id", "")
    role = next((r for r in roles_of(request.user) if str(r.pk) == wanted), None)
    if role is None:
        messages.error(request, _("无效的身份。"))
    else:
        request.session[SESSION_KEY] = role.pk
        messages.info(request, _("已切换为：%(role)s") % {"role": role})
    return redirect("web:dashboard")


def _unit_actor(request):
    return actor_in_role(request, Role.UNIT, message=_("只有用人单位审核账号可以确认本单位人员。"))


def _back(request, default: str = "web:unit_members"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def confirm_member(request, person_id: int):
    actor = _unit_actor(request)
    try:
        membership = services.confirm_membership(actor, person_id=person_id)
    except Invalid as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("已确认 %(name)s 为本单位人员，其学时申报将送本单位审核。") % {"name": membership.person.name},
        )
    return _back(request)


@login_required
def reject_member(request, person_id: int):
    """Refuse a membership with a reason. A refused form comes back with what was typed."""
    actor = _unit_actor(request)
    membership = pending_membership(actor, person_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reject_membership(actor, person_id=person_id, reason=form.cleaned_data["reason"])
        except Invalid as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("已不予确认 %(name)s：%(reason)s")
                % {"name": membership.person.name, "reason": form.cleaned_data["reason"]},
            )
            return _back(request)
    return render(
        request,
        "accounts/reject_member.html",
        {"form": form, "membership": membership, "next": request.POST.get("next", "")},
        status=422 if request.method == "POST" else 200,
    )


def _reset_actor(request):
    return actor_in_role(request, Role.UNIT, Role.BUREAU, message=_("只有用人单位或人社局可以重置密码。"))


@login_required
def reset_password(request, person_id: int):
    """A unit (its members) or a bureau (its region) resets a forgotten password. The one-time
    password is shown once, on this answer only, and must be changed at the next login."""
    actor = _reset_actor(request)
    person = person_for_actor(actor, person_id)
    if request.method != "POST":
        back = reverse("web:bureau_people" if actor.is_role(Role.BUREAU) else "web:unit_members")
        return render(request, "accounts/reset_password_confirm.html", {"person": person, "back": back})
    temporary = services.reset_password(actor, person_id=person.pk)
    response = render(
        request, "accounts/reset_password_done.html", {"person": person, "temporary": temporary}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def change_unit(request):
    """A person names their (new) employer; the link waits for that unit's confirmation."""
    actor = request.actor
    if actor is None or not actor.is_role(Role.PERSON) or actor.person is None:
        raise Forbidden(_("只有专业技术人员本人可以变更工作单位。"))
    form = UnitChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.request_unit_change(actor, unit_id=form.cleaned_data["unit_id"].pk)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("已向“%(unit)s”提出单位关系确认申请，请联系单位经办人确认。")
                % {"unit": membership.unit.name},
            )
            return redirect("web:dashboard")
    return render(
        request,
        "accounts/change_unit.html",
        {"form": form, "current": current_membership(actor.person)},
        status=422 if request.method == "POST" else 200,
    )


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    """django-axes lockout answer: JSON for the API, a page for the web (both 429)."""
    message = _("登录失败次数过多，账号已被暂时锁定，请15分钟后再试。")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message, "errors": [{"field": "username", "message": message}]}, status=429
        )
    return render(request, "accounts/locked_out.html", status=429)


@login_required
def correct_name(request, person_id: int):
    """The bureau corrects a registered name against the ID card (audited); items a learning
    platform sent under the right name and that wait for it are then credited."""
    actor = request.actor
    if actor is None or not actor.is_role(Role.BUREAU):
        raise Forbidden(_("只有人社局可以更正人员姓名。"))
    person = person_for_actor(actor, person_id)
    form = NameCorrectionForm(request.POST or None, initial={"name": person.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_person_name(
                actor, person_id=person.pk, name=form.cleaned_data["name"], reason=form.cleaned_data["reason"]
            )
        except Invalid as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("已更正姓名为 %(name)s。") % {"name": form.cleaned_data["name"]})
            return redirect("credits:person_detail", person.pk)
    return render(
        request,
        "accounts/correct_name.html",
        {"form": form, "person": person},
        status=422 if request.method == "POST" else 200,
    )


def recover_password(request):
    """找回密码, step 1: account (or ID number) and the registered phone → a code by SMS. The
    answer is the same whether or not they match."""
    form = RecoveryRequestForm(request.POST or None)
    if request.method == "POST" and not RECOVERY_THROTTLE.allow_request(request):
        wait = RECOVERY_THROTTLE.retry_after()
        messages.error(request, _("请求过于频繁，请 %(n)s 秒后再试。") % {"n": wait})
        response = render(request, "accounts/recover.html", {"form": form}, status=429)
        response["Retry-After"] = str(wait)
        return response
    if request.method == "POST" and form.is_valid():
        services.request_password_recovery(login=form.cleaned_data["login"], phone=form.cleaned_data["phone"])
        request.session[RECOVERY_SESSION_KEY] = {
            "login": form.cleaned_data["login"],
            "phone": form.cleaned_data["phone"],
        }
        messages.info(
            request,
            _("如果账号与注册手机号码相符，验证码已发送到该手机，%(n)s 分钟内有效。")
            % {"n": services.RECOVERY_CODE_MINUTES},
        )
        return redirect("accounts:recover_code")
    return render(request, "accounts/recover.html", {"form": form}, status=422 if form.errors else 200)


def recover_password_code(request):
    """找回密码, step 2: the code and the new password."""
    pending = request.session.get(RECOVERY_SESSION_KEY)
    if not pending:
        return redirect("accounts:recover")
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_password_recovery(
                login=pending["login"],
                phone=pending["phone"],
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            del request.session[RECOVERY_SESSION_KEY]
            messages.success(request, _("密码已重新设置，请用新密码登录。"))
            return redirect("accounts:login")
    return render(
        request,
        "accounts/recover_code.html",
        {"form": form, "phone": mask_phone(pending["phone"])},
        status=422 if form.errors else 200,
    )
