from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import LoginForm, PasswordChangeForm, ReasonForm, RegistrationForm
from accounts.middleware import SESSION_KEY
from accounts.selectors import roles_of
from core.actors import Role
from core.errors import DomainError, Forbidden, NotFound
from core.forms import apply_domain_error


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.get_user().must_change_password:
            messages.warning(self.request, "您的密码已被重置，请先设置新密码。")
            return redirect("accounts:password_change")
        return response


class LogoutView(auth_views.LogoutView):
    pass


def register(request):
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
                f"注册成功。您的账号为 {person.user.username}，也可以用身份证号码登录。"
                f"工作单位关系待“{data['unit_id'].name}”确认。",
            )
            return redirect("web:dashboard")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def change_password(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                request.actor, form.cleaned_data["old_password"], form.cleaned_data["new_password"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("web:dashboard")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_POST
def switch_role(request):
    wanted = request.POST.get("role_id", "")
    role = next((r for r in roles_of(request.user) if str(r.pk) == wanted), None)
    if role is None:
        messages.error(request, "无效的身份。")
    else:
        request.session[SESSION_KEY] = role.pk
        messages.info(request, f"已切换为：{role}")
    return redirect("web:dashboard")


def _unit_actor(request):
    actor = request.actor
    if actor is None or not actor.is_role(Role.UNIT):
        raise Http404
    return actor


@login_required
@require_POST
def confirm_member(request, person_id: int):
    actor = _unit_actor(request)
    try:
        membership = services.confirm_membership(actor, person_id)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"已确认 {membership.person.name} 为本单位人员。")
    return redirect(reverse("web:dashboard"))


@login_required
@require_POST
def reject_member(request, person_id: int):
    actor = _unit_actor(request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "原因：不予确认时必须填写原因。")
        return redirect(reverse("web:dashboard"))
    try:
        membership = services.reject_membership(actor, person_id, form.cleaned_data["reason"])
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"已不予确认 {membership.person.name}。")
    return redirect(reverse("web:dashboard"))


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    """django-axes lockout answer: JSON for the API, a page for the web (both 429)."""
    message = "登录失败次数过多，账号已被暂时锁定，请15分钟后再试。"
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message, "errors": [{"field": "username", "message": message}]}, status=429
        )
    return render(request, "accounts/locked_out.html", status=429)
