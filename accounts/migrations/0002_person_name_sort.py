from django.db import migrations, models


def fill_sort_keys(apps, schema_editor):
    from core.names import sort_key

    Person = apps.get_model("accounts", "Person")
    batch = []
    for person in Person.objects.only("id", "name").iterator(chunk_size=5000):
        person.name_sort = sort_key(person.name)
        batch.append(person)
        if len(batch) >= 5000:
            Person.objects.bulk_update(batch, ["name_sort"])
            batch = []
    Person.objects.bulk_update(batch, ["name_sort"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_sort",
            field=models.CharField(default="", editable=False, max_length=200, verbose_name="姓名拼音"),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
    ]
