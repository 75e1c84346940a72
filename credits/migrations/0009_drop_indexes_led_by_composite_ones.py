"""Three single-column indexes that a composite index or unique constraint leading with the
same column already covers: each cost a random index page per row of a platform push. Only the
indexes are dropped (the foreign keys stay as they are, no table is re-validated)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_password_recovery"),
        ("credits", "0008_integrity_cross_source"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="hourrecord",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="hour_records",
                        to="accounts.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="platformcompletion",
                    name="platform",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="completions",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="yearsummary",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="year_summaries",
                        to="accounts.person",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    reverse_sql=f"CREATE INDEX {name} ON {table} ({column})",
                )
                for name, table, column in (
                    ("credits_hourrecord_person_id_b562e2ac", "credits_hourrecord", "person_id"),
                    ("credits_platformcompletion_platform_id_7a14bc3c", "credits_platformcompletion", "platform_id"),
                    ("credits_yearsummary_person_id_653fbc3c", "credits_yearsummary", "person_id"),
                )
            ],
        ),
    ]
