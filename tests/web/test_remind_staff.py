import pytest
from django.test import Client

from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_unit_home_counts_short_staff_and_reminds_them_once_a_day(world):
    client = _client(world.unit_user)
    home = client.get("/dashboard/").content.decode()
    assert "尚有 <strong>1</strong> 人未完成" in home
    response = client.post("/unit/remind/", follow=True)
    assert "已提醒 1 名" in response.content.decode()
    assert Notification.objects.filter(user=world.person.user, title__contains="学时提醒").count() == 1
    assert not Notification.objects.filter(user=world.other_person.user).exists()
    again = client.post("/unit/remind/", follow=True).content.decode()
    assert "今天已经提醒过" in again
    assert Notification.objects.filter(user=world.person.user, title__contains="学时提醒").count() == 1


@pytest.mark.parametrize("who", ["authority_user", "bureau_user", "base_user"])
def test_only_units_can_remind(world, who):
    assert _client(getattr(world, who)).post("/unit/remind/").status_code == 403


def test_remind_needs_post(world):
    assert _client(world.unit_user).get("/unit/remind/").status_code == 405
