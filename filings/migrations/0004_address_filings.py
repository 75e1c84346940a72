"""Address the filings that exist to the bureau they are filed with. A migration of its own:
on PostgreSQL, rows updated in the transaction that adds the column would leave pending
trigger events for its deferred constraint."""

from collections import defaultdict

from django.conf import settings
from django.db import migrations


def address_filings(apps, schema_editor):
    """Existing filings are addressed to the bureau they are filed with (the rule of
    `filings.selectors.bureau_for`): the city-level bureau over the filer's region; a filer above
    city level (the provincial bases) files with the bureau of `CE_HOME_REGION`."""
    Region = apps.get_model("organisations", "Region")
    Organisation = apps.get_model("organisations", "Organisation")
    regions = {r.pk: r for r in Region.objects.all()}
    home_code = getattr(settings, "CE_HOME_REGION", "411200")
    home = next((r.pk for r in regions.values() if r.code == home_code), None)
    bureaus = {}
    for org in Organisation.objects.filter(kind="bureau", is_active=True).order_by("pk"):
        bureaus.setdefault(org.region_id, org.pk)

    def bureau_of(region_id):
        region = regions.get(region_id)
        while region is not None:
            if region.level == "city":
                return bureaus.get(region.pk)
            if region.level == "province":
                return bureaus.get(home)
            region = regions.get(region.parent_id)
        return None

    for name in ("TrainingPlan", "PlatformFiling"):
        model = apps.get_model("filings", name)
        addressed = defaultdict(list)
        for pk, region_id in model.objects.filter(bureau__isnull=True).values_list("pk", "filer__region_id"):
            bureau = bureau_of(region_id)
            if bureau is not None:
                addressed[bureau].append(pk)
        for bureau, pks in addressed.items():
            model.objects.filter(pk__in=pks).update(bureau_id=bureau)


class Migration(migrations.Migration):
    dependencies = [
        ("filings", "0003_filing_bureau"),
        ("organisations", "0001_initial"),
    ]

    operations = [migrations.RunPython(address_filings, migrations.RunPython.noop)]
