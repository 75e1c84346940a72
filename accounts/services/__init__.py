"""Writing accounts, by use case: registration (管理入口) and the names people sign in with
(registration), the unit link a unit confirms or rejects (memberships), API tokens (tokens),
passwords reset, changed and recovered by SMS (passwords), and what the bureau does to
accounts: staff accounts, name corrections (staff).

Every public function that changes an account is one transaction and leaves an audit entry.
"""

from accounts.services.memberships import confirm_membership, reject_membership, request_unit_change
from accounts.services.passwords import (
    RECOVERY_CODE_MINUTES,
    change_password,
    complete_password_recovery,
    request_password_recovery,
    reset_password,
)
from accounts.services.registration import (
    Registration,
    login_name_to_username,
    register_person,
    registration_problems,
)
from accounts.services.staff import correct_person_name, create_staff_account
from accounts.services.tokens import (
    actor_for_token,
    authenticate_for_token,
    issue_token,
    live_token_params,
    live_token_sql,
    primary_role,
    role_for_token,
)

__all__ = [
    "RECOVERY_CODE_MINUTES",
    "Registration",
    "actor_for_token",
    "authenticate_for_token",
    "change_password",
    "complete_password_recovery",
    "confirm_membership",
    "correct_person_name",
    "create_staff_account",
    "issue_token",
    "live_token_params",
    "live_token_sql",
    "login_name_to_username",
    "primary_role",
    "register_person",
    "registration_problems",
    "reject_membership",
    "request_password_recovery",
    "request_unit_change",
    "reset_password",
    "role_for_token",
]
