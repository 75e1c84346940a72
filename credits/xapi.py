"""The standard door for learning platforms beside the JSON push: the Statements resource of
the Experience API (xAPI) 1.0.3, with the same rules and the same fates as `POST
platform/completions`.

The minimal profile a platform follows (README "xAPI"):

- verb `http://adlnet.gov/expapi/verbs/completed` — a finished course, credited like a pushed
  item; any other verb is stored and not credited; `http://adlnet.gov/expapi/verbs/voided` with
  an object `{"objectType": "StatementRef", "id": …}` withdraws the statement it names (its
  hours are taken back);
- actor: an Agent with `name` (the person's name) and `account` `{homePage, name}` whose name is
  the person's ID number;
- object: the course as an Activity (`id` its IRI, `definition.name` its title);
- `result.extensions`: HOURS (a number) and CATEGORY (`public` | `professional`);
  `context.extensions`: STARTED (optional, `YYYY-MM-DD`);
- `timestamp`: when the course was completed; its date in Asia/Shanghai is the completion date.

The statement id is the idempotency key: the same id with the same content is a no-op, with
other content a conflict (409). The completion made from a statement is `xapi:<id>`, so
`GET platform/completions/xapi:<id>` tells its fate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record
from core import dates
from core.actors import Actor
from credits import intake, ledger
from credits.models import CompletionState, PlatformCompletion, RecordState, XapiStatement
from filings.models import PlatformCredential

VERSION = "1.0.3"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
EXTENSIONS = "https://ce.rsj.smx.gov.cn/xapi/extensions/"
HOURS, CATEGORY, STARTED = EXTENSIONS + "hours", EXTENSIONS + "category", EXTENSIONS + "started-on"
PREFIX = "xapi:"


class XapiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _canonical(statement: dict) -> str:
    return hashlib.sha256(
        json.dumps(statement, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


def _statement_id(statement, default: str | None = None) -> uuid.UUID:
    if not isinstance(statement, dict):
        raise XapiError(400, _("语句格式不正确：每条语句应为 JSON 对象。"))
    raw = statement.get("id", default)
    try:
        return uuid.UUID(str(raw)) if raw is not None else uuid.uuid4()
    except ValueError:
        raise XapiError(400, _("语句 id 应为 UUID。")) from None


def _verb(statement: dict) -> str:
    verb = statement.get("verb")
    if not isinstance(verb, dict) or not isinstance(verb.get("id"), str) or not verb["id"]:
        raise XapiError(400, _("语句缺少 verb.id。"))
    if not isinstance(statement.get("actor"), dict) or not isinstance(statement.get("object"), dict):
        raise XapiError(400, _("语句缺少 actor 或 object。"))
    return verb["id"]


def _completed_on(timestamp) -> str | None:
    try:
        moment = dt.datetime.fromisoformat(str(timestamp).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dates.SHANGHAI)
    return dates.local_day(moment).isoformat()


def _item(statement_id: uuid.UUID, statement: dict) -> dict:
    """The statement as a pushed item: the intake judges it like any other."""
    actor, activity = statement["actor"], statement["object"]
    account = actor.get("account") if isinstance(actor.get("account"), dict) else {}
    definition = activity.get("definition") if isinstance(activity.get("definition"), dict) else {}
    names = definition.get("name") if isinstance(definition.get("name"), dict) else {}
    result = statement.get("result") if isinstance(statement.get("result"), dict) else {}
    context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
    extensions = result.get("extensions") if isinstance(result.get("extensions"), dict) else {}
    context_extensions = context.get("extensions") if isinstance(context.get("extensions"), dict) else {}
    return {
        "external_id": f"{PREFIX}{statement_id}",
        "id_number": account.get("name"),
        "name": actor.get("name"),
        "course": names.get("zh-CN") or names.get("zh") or next(iter(names.values()), None),
        "category": extensions.get(CATEGORY),
        "hours": extensions.get(HOURS),
        "completed_on": _completed_on(statement.get("timestamp")),
        "started_on": context_extensions.get(STARTED),
    }


def _platform_actor(credential: PlatformCredential) -> Actor:
    return Actor(user=None, role="platform", organisation=credential.platform)


def _void(credential: PlatformCredential, statement: dict) -> None:
    target_ref = statement["object"]
    if target_ref.get("objectType") != "StatementRef":
        raise XapiError(400, _("撤销语句的 object 应为 StatementRef。"))
    target_id = _statement_id({"id": target_ref.get("id")})
    platform = credential.platform
    target = (
        XapiStatement.objects.select_for_update().filter(platform=platform, statement_id=target_id).first()
    )
    if target is None or target.verb == VOIDED:
        raise XapiError(400, _("要撤销的语句不存在，或它本身是撤销语句。"))
    if target.voided:
        return
    target.voided = True
    target.save(update_fields=["voided"])
    completion = (
        PlatformCompletion.objects.select_for_update()
        .filter(platform=platform, external_id=f"{PREFIX}{target_id}")
        .first()
    )
    if completion is None:
        return
    reason = _("学习平台已撤销该学习记录（xAPI voided）。")
    hour_record = getattr(completion, "hour_record", None)
    if hour_record is not None and hour_record.state == RecordState.CREDITED:
        ledger.move_records([hour_record], RecordState.REJECTED, reason)
    before = {"state": completion.state}
    completion.state, completion.hold_reason, completion.reason = CompletionState.VOIDED, "", reason
    completion.save(update_fields=["state", "hold_reason", "reason", "updated_at"])
    record(
        _platform_actor(credential),
        actions.PLATFORM_COMPLETION_VOIDED,
        completion,
        before=before,
        after={"state": completion.state},
    )


@transaction.atomic
def store_statements(credential: PlatformCredential, statements: list, ids: list | None = None) -> list[str]:
    """Store the statements (all or none), void what they void, and credit the completed
    ones through the intake. Returns their ids, in order."""
    if len(statements) > intake.MAX_PLATFORM_BATCH:
        raise XapiError(400, _("每批最多 %(n)s 条语句。") % {"n": intake.MAX_PLATFORM_BATCH})
    platform = credential.platform
    stored, items = [], []
    for index, statement in enumerate(statements):
        statement_id = _statement_id(statement, ids[index] if ids else None)
        statement = {**statement, "id": str(statement_id)}
        verb = _verb(statement)
        content = _canonical(statement)
        existing = (
            XapiStatement.objects.select_for_update()
            .filter(platform=platform, statement_id=statement_id)
            .first()
        )
        stored.append(str(statement_id))
        if existing is not None:
            if existing.content_hash != content:
                raise XapiError(409, _("语句 %(id)s 已存在且内容不同。") % {"id": statement_id})
            continue
        if verb == VOIDED:
            _void(credential, statement)
        XapiStatement.objects.create(
            platform=platform, statement_id=statement_id, statement=statement, content_hash=content, verb=verb
        )
        if verb == COMPLETED:
            items.append(_item(statement_id, statement))
    if items:
        intake.receive_platform_completions(credential, items=items)
    return stored


def get_statement(credential: PlatformCredential, statement_id: str, voided: bool = False) -> dict:
    """One of the platform's own statements; a voided one only when asked for as voided."""
    try:
        key = uuid.UUID(statement_id)
    except ValueError:
        raise XapiError(400, _("statementId 应为 UUID。")) from None
    row = XapiStatement.objects.filter(platform=credential.platform, statement_id=key, voided=voided).first()
    if row is None:
        raise XapiError(404, _("未找到该语句。"))
    return {**row.statement, "stored": row.stored_at.isoformat()}


def recent_statements(credential: PlatformCredential, limit: int = 100) -> list[dict]:
    rows = XapiStatement.objects.filter(platform=credential.platform, voided=False).order_by(
        "-stored_at", "-pk"
    )
    return [{**row.statement, "stored": row.stored_at.isoformat()} for row in rows[: max(1, min(limit, 500))]]
