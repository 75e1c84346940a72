import datetime as dt
import re

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def fill(apps, schema_editor):
    """Existing years: reporting until 31 January of the next year; a year carried forward
    (notice_reference "沿用 2025 年度") waits for the bureau's confirmation, the others are
    confirmed as they stand."""
    PolicyYear = apps.get_model("policy", "PolicyYear")
    for policy in PolicyYear.objects.all():
        policy.reporting_deadline = dt.date(policy.year + 1, 1, 31)
        carried = re.match(r"^沿用\s*(\d{4})", policy.notice_reference or "")
        if carried:
            policy.carried_forward_from = int(carried.group(1))
        else:
            policy.confirmed_at = timezone.now()
        policy.save(update_fields=["reporting_deadline", "carried_forward_from", "confirmed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0002_max_daily_hours"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="policyyear",
            name="reporting_deadline",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="policyyear",
            name="carried_forward_from",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="沿用年度"),
        ),
        migrations.AddField(
            model_name="policyyear",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="确认时间"),
        ),
        migrations.AddField(
            model_name="policyyear",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="确认人",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="policyyear",
            name="reporting_deadline",
            field=models.DateField(
                help_text="本年度内完成的学习，由学习平台推送或继续教育基地报送出勤的最后一天（当日 23:59:59 北京时间）；默认次年 1 月 31 日。个人申报仍以学时申报截止日为准。",
                verbose_name="平台及基地学时报送截止日",
            ),
        ),
    ]
