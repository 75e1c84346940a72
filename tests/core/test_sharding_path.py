"""The schema invariants that keep sharding by person (Citus, distribution column person_id)
possible (README, "Read replica, PgBouncer and the sharding path"). Citus is not installable
here: this checks the models, not a Citus cluster.

Checked: every table of the project is placed (distributed by person, reference table, or
elsewhere); a table distributed by person has a non-null `person` foreign key (Citus puts no
row without its distribution value); whatever refers to a person's table is itself distributed
by person (the foreign key can then include person_id and stay on one shard); distributed and
reference tables refer only to distributed or reference tables; unique constraints of a
person's tables include the person. The known exceptions are listed below with what the move
to Citus does about them, so that a new one fails here and needs a decision.

Not checked: primary keys (every table's is `id` alone; Citus wants (person_id, id) on a
distributed table, changed by the migration to Citus outside Django's models, as the foreign
keys become (person_id, <fk>_id)); which queries name the person and so stay on one shard (see
the README's list); sequences, co-location groups and the Citus DDL itself.
"""

from django.apps import apps
from django.db import models

PROJECT_APPS = {
    "audit",
    "organisations",
    "accounts",
    "policy",
    "filings",
    "credits",
    "reports",
    "notifications",
    "bulletins",
    "sampling",
    "catalogue",
    "certificates",
    "supervision",
}

# Distributed by person (accounts_person by its id, the others by person_id), co-located.
BY_PERSON = {
    "accounts.Person",
    "accounts.Membership",
    "credits.HourRecord",
    "credits.YearSummary",
    "credits.Declaration",
    "credits.Review",
    "credits.Evidence",
    "credits.PendingEvidence",
    "credits.PlatformCompletion",
    "credits.IntegrityFlag",
    "reports.IssuedRecord",
    "certificates.Certificate",
    "certificates.YearCredential",
}
# Small, read everywhere, written rarely: a copy on every node.
REFERENCE = {
    "accounts.User",
    "organisations.Region",
    "organisations.Organisation",
    "policy.PolicyYear",
    "policy.RequirementProfile",
    "policy.Requirement",
    "policy.Profession",
    "policy.CalendarYear",
    "policy.CalendarDay",
    "policy.RegionalFigures",
    "catalogue.ActivityType",
    "catalogue.ItemLevel",
    "catalogue.EvidenceSlot",
    "filings.FilingException",
    "filings.TrainingPlan",
    "filings.PlanItem",
    "filings.PlatformFiling",
    "filings.PlatformCredential",
    "bulletins.Notice",
    "bulletins.NoticeAttachment",
    "bulletins.FaqEntry",
}
# Neither: on the coordinator, or distributed by a key of their own (not co-located with a
# person's rows); nothing distributed refers to them.
ELSEWHERE = {
    "audit.AuditEntry": "append-only; distributed by its own id, or partitioned by month",
    "accounts.RoleAssignment": "read by user at login and on every page",
    "accounts.ApiToken": "looked up by key hash on every API request",
    "accounts.PasswordRecovery": "by user, short-lived",
    "credits.PlatformIntakeDay": "by platform",
    "credits.XapiStatement": "by platform (its statement id is unique per platform)",
    "filings.AttendanceUpload": "a base's uploads",
    "filings.ImportJob": "an operator's jobs",
    "reports.ExportJob": "an operator's jobs",
    "notifications.Notification": "by user",
    "notifications.ReminderRun": "one row per reminder run",
    "bulletins.NoticeRead": "by user",
    "sampling.AuditSample": "a bureau's draws",
    "sampling.SampledDeclaration": "a draw spans people: refers across shards (below)",
    "certificates.CertificateSequence": "one counter per issuing region and year",
    "certificates.CertificatePrint": "by its public code; refers to the certificate across shards (below)",
    "supervision.MemberTally": "summary rows by unit: distributed by unit, never by person",
    "supervision.StandingTally": "summary rows by unit",
    "supervision.HoursTally": "summary rows by unit",
    "supervision.ReviewTally": "summary rows by reviewing organisation",
}

# Tables distributed by person that do not carry the person themselves yet: the move to Citus
# adds person_id, copied from their declaration, before distributing them.
WITHOUT_PERSON_COLUMN = {"credits.Review", "credits.Evidence"}
# A person's tables whose person may be empty: Citus puts no row without its distribution value.
NULLABLE_PERSON = {
    # a completion held for someone not registered yet, matched by ID-number hash when they
    # register: held ones go to a table of their own (by that hash) and move on registration
    "credits.PlatformCompletion",
}
# Foreign keys to a person's table from a table that is not distributed by person: the move
# drops the constraint (the application keeps it) or distributes the table by person.
CROSS_SHARD_FKS = {
    ("sampling.SampledDeclaration", "declaration"),
    ("certificates.CertificatePrint", "certificate"),
}
# Unique constraints of a person's tables that do not include the person: what crosses shards.
UNIQUE_WITHOUT_PERSON = {
    # one person per account and per ID number: a reference look-up table (hash → person_id)
    ("accounts.Person", ("user",)),
    ("accounts.Person", ("id_number_hash",)),
    # a declaration or a completion credits one record; both are the person's own, so the
    # constraint becomes (person, declaration) and (person, completion) without losing anything
    ("credits.HourRecord", ("declaration",)),
    ("credits.HourRecord", ("completion",)),
    # one open review per declaration: (person, declaration) once Review has its person
    ("credits.Review", ("declaration",)),
    # the exactly-once key of platform pushes: a look-up table distributed by platform
    ("credits.PlatformCompletion", ("platform", "external_id")),
    # the public verification by code: a reference look-up table (code → person_id)
    ("reports.IssuedRecord", ("code",)),
    # one certificate per person (already (person)); its public number: a reference look-up
    # table (number → person_id), like the verification codes
    ("certificates.Certificate", ("number",)),
    # an integrity flag's idempotency key may join two people's records (the same file on two
    # people's declarations): the key moves to a look-up table distributed by the key
    ("credits.IntegrityFlag", ("kind", "key")),
    # a credential's public id: the same look-up table
    ("certificates.YearCredential", ("credential_id",)),
}


def project_models() -> dict[str, type[models.Model]]:
    return {m._meta.label: m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS}


def foreign_keys(model) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]


def unique_sets(model) -> set[tuple[str, ...]]:
    found = {(f.name,) for f in model._meta.concrete_fields if f.unique and not f.primary_key}
    found |= {tuple(u) for u in model._meta.unique_together}
    found |= {
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields
    }
    return found


def test_every_table_is_placed_once():
    placed = [*BY_PERSON, *REFERENCE, *ELSEWHERE]
    assert len(placed) == len(set(placed))
    assert set(placed) == set(project_models())


def test_a_persons_tables_carry_the_person():
    for label in BY_PERSON - {"accounts.Person"} - WITHOUT_PERSON_COLUMN:
        field = project_models()[label]._meta.get_field("person")
        assert field.related_model._meta.label == "accounts.Person", label
        assert field.null == (label in NULLABLE_PERSON), f"{label}.person: null={field.null}"
    for label in WITHOUT_PERSON_COLUMN:
        names = {f.name for f in project_models()[label]._meta.concrete_fields}
        assert "person" not in names, f"{label} has its person now: take it off WITHOUT_PERSON_COLUMN"


def test_what_refers_to_a_persons_table_is_distributed_by_person():
    crossing = set()
    for label, model in project_models().items():
        for fk in foreign_keys(model):
            if fk.related_model._meta.label in BY_PERSON and label not in BY_PERSON:
                crossing.add((label, fk.name))
    assert crossing == CROSS_SHARD_FKS


def test_distributed_and_reference_tables_refer_only_to_distributed_or_reference_tables():
    for label, model in project_models().items():
        targets = {fk.related_model._meta.label for fk in foreign_keys(model)}
        if label in REFERENCE:
            assert targets <= REFERENCE, (label, targets - REFERENCE)
        if label in BY_PERSON:
            assert targets <= BY_PERSON | REFERENCE, (label, targets - BY_PERSON - REFERENCE)


def test_unique_constraints_of_a_persons_tables_include_the_person():
    without = set()
    for label in BY_PERSON:
        column = "id" if label == "accounts.Person" else "person"
        for fields in unique_sets(project_models()[label]):
            if column not in fields:
                without.add((label, fields))
    assert without == UNIQUE_WITHOUT_PERSON
