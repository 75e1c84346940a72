import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MixedCharacterValidator:
    """Passwords must mix letters and digits (the bureau's baseline for public-facing logins)."""

    def validate(self, password, user=None):
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError(_("密码须同时包含字母和数字。"), code="password_no_mix")

    def get_help_text(self):
        return _("密码须同时包含字母和数字。")
