"""Summary rows of the statistics, kept in step by the services (supervision.tally).

Every table is insert-only in normal operation: a change adds a row of differences (a delta)
in the same transaction as the change, so concurrent credits of one unit never wait for each
other on a hot row (the December peak). A page sums the rows of its keys with an index; the
task `supervision.tasks.compact_tallies` folds the rows of each key into one every few minutes,
and `recompute_statistics` rebuilds them from the raw records.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from filings.models import TrainingPlan
from organisations.models import Organisation
from policy.models import Profession


class MemberTally(models.Model):
    """People linked to a unit, per title series: registered (waiting or confirmed) and
    confirmed. Not per year: the statistics of any year count today's staff, as the
    compliance list does."""

    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    profession = models.ForeignKey(Profession, on_delete=models.CASCADE, related_name="+")
    registered = models.IntegerField(default=0)
    confirmed = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("人员统计行")
        verbose_name_plural = _("人员统计行")
        indexes = [models.Index(fields=["unit", "profession"])]

    def __str__(self):
        return f"{self.unit_id}/{self.profession_id}: {self.registered}/{self.confirmed}"


class StandingTally(models.Model):
    """The standing of the confirmed staff of a unit and title series in a year, as the
    difference from nobody having learnt anything: a person with no hours is short of the
    whole requirement, which the page adds per confirmed member; each row here moves the
    figures by what a person's credited hours changed (compliant or not, short of which
    category, by how much)."""

    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    profession = models.ForeignKey(Profession, on_delete=models.CASCADE, related_name="+")
    compliant = models.IntegerField(default=0)
    short_public = models.IntegerField(default=0)
    short_professional = models.IntegerField(default=0)
    short_total = models.IntegerField(default=0)
    lack_public = models.DecimalField(max_digits=12, decimal_places=1, default=0)
    lack_professional = models.DecimalField(max_digits=12, decimal_places=1, default=0)
    lack_total = models.DecimalField(max_digits=12, decimal_places=1, default=0)
    public_hours = models.DecimalField(max_digits=12, decimal_places=1, default=0)
    professional_hours = models.DecimalField(max_digits=12, decimal_places=1, default=0)
    pending_hours = models.DecimalField(max_digits=12, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("达标统计行")
        verbose_name_plural = _("达标统计行")
        indexes = [models.Index(fields=["year", "unit", "profession"])]

    def __str__(self):
        return f"{self.year} {self.unit_id}/{self.profession_id}: {self.compliant}"


class HoursTally(models.Model):
    """Credited hours (and records) of a unit's confirmed staff by source, way of learning,
    category, month of completion and, for classes of a training plan, the plan."""

    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=12)
    method = models.CharField(max_length=12)
    category = models.CharField(max_length=12)
    month = models.PositiveSmallIntegerField()
    plan = models.ForeignKey(TrainingPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    records = models.IntegerField(default=0)
    hours = models.DecimalField(max_digits=12, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("学时统计行")
        verbose_name_plural = _("学时统计行")
        indexes = [
            models.Index(fields=["year", "unit"]),
            models.Index(fields=["plan"], name="hourstally_plan", condition=models.Q(plan__isnull=False)),
        ]

    def __str__(self):
        return f"{self.year} {self.unit_id} {self.source}/{self.method}/{self.month}: {self.hours}"


class ReviewTally(models.Model):
    """Decided reviews of a year's declarations per reviewing organisation and level, by the
    working days they took (arrival day not counted) and whether they kept the limit."""

    year = models.PositiveSmallIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10)
    working_days = models.PositiveSmallIntegerField()
    decided = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("审核时效统计行")
        verbose_name_plural = _("审核时效统计行")
        indexes = [models.Index(fields=["year", "organisation"])]

    def __str__(self):
        return f"{self.year} {self.organisation_id} {self.level} {self.working_days}: {self.decided}"
