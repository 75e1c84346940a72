"""A reviewer's comment ends with its own 。: what the person reads never says "成绩。。"."""

import pytest

from core.text import tidy_punctuation
from credits import selectors, services
from notifications.models import Notification
from tests.credits.helpers import actor, declare, person_actor

pytestmark = pytest.mark.django_db


def test_tidy_punctuation_keeps_the_first_mark_of_a_run():
    assert tidy_punctuation("请补充考核成绩。。请修改后重新提交。") == "请补充考核成绩。请修改后重新提交。"
    assert tidy_punctuation("考核成绩。；请修改") == "考核成绩。请修改"
    assert tidy_punctuation("共 12.5 学时。") == "共 12.5 学时。"


def test_a_returned_declarations_message_and_explanation_read_as_one_sentence(world, today):
    declaration = declare(world.person)
    comment = "请补充业务主管部门的批准文件和考核成绩。"
    services.review_declaration(
        actor(world.unit_user), declaration_id=declaration.pk, decision="return", comment=comment
    )
    note = Notification.objects.filter(user=world.person.user).latest("pk")
    assert "考核成绩。请修改后重新提交。" in note.body and "。。" not in note.body
    (record,) = [r for r in selectors.hour_records(person_actor(world.person), 2026) if r.declaration_id]
    assert "考核成绩。请修改后于" in record.explanation and "。；" not in record.explanation
