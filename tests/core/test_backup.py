"""manage.py backup / restore: a round trip gives back every row of every table (count and
checksum), the audit log, every private file and ID numbers that the keys still open — on
SQLite and on PostgreSQL (run the file with DATABASE_URL). Bad restores change nothing."""

import json
import tarfile

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection

from accounts.models import Person
from audit.models import AuditEntry
from provisioning import backup
from tests import factories
from tests.credits.helpers import declare

pytestmark = pytest.mark.skipif(
    bool(django_settings.DATABASE_POOLER),
    reason="backup and restore connect to PostgreSQL directly, never through PgBouncer (they refuse it)",
)


@pytest.fixture
def private(transactional_db, settings, tmp_path):
    """Committed data (pg_dump reads it from another connection) and a private folder."""
    root = tmp_path / "private"
    root.mkdir()
    settings.PRIVATE_STORAGE_ROOT = root
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def platform_data(world, private, today):
    """People, a declaration with its evidence file (a private file), audit entries."""
    declare(world.person)
    (private / "exports").mkdir(exist_ok=True)
    (private / "exports" / "达标情况.xlsx").write_bytes(b"PK\x03\x04 sheet")
    return world


def run(command, *args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(command, *map(str, args), stdout=out)
    return out.getvalue()


def test_round_trip_gives_back_everything(platform_data, private, tmp_path):
    before_tables = backup.table_checksums()
    before_files = backup.private_digests(private)
    audit_count = AuditEntry.objects.count()
    assert audit_count and len(before_files) >= 2

    out = run("backup", tmp_path / "backup", "--keys", tmp_path / "keys" / "keys.json")
    assert "已备份" in out
    keys = json.loads((tmp_path / "keys" / "keys.json").read_text())
    assert set(keys) == {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "ID_LOOKUP_KEY"}
    assert (tmp_path / "keys" / "keys.json").stat().st_mode & 0o077 == 0
    assert all(p.stat().st_mode & 0o077 == 0 for p in [tmp_path / "backup", *(tmp_path / "backup").iterdir()])
    manifest = (tmp_path / "backup" / "manifest.json").read_text()
    assert keys["ID_LOOKUP_KEY"] not in manifest and keys["FIELD_ENCRYPTION_KEY"] not in manifest

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # past the append-only trigger, as an intruder would
            cursor.execute("SET session_replication_role = replica")
        last = AuditEntry.objects.order_by("-id")[0].pk
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [last])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    Person.objects.filter(pk=platform_data.other_person.pk).update(name="李四改")
    factories.person(platform_data.unit, name="王新")
    files = sorted(p for p in private.rglob("*") if p.is_file())
    files[0].unlink()
    files[-1].write_bytes(b"changed")
    assert backup.table_checksums() != before_tables

    out = run("restore", tmp_path / "backup", "--keys", tmp_path / "keys" / "keys.json", "--yes")
    assert "与备份清单相比 0 处不同" in out, out
    assert backup.table_checksums() == before_tables
    assert backup.private_digests(private) == before_files
    assert AuditEntry.objects.count() == audit_count
    assert Person.objects.get(pk=platform_data.person.pk).reveal_id_number()
    assert not Person.objects.filter(name="王新").exists()
    if connection.vendor == "postgresql":  # the append-only trigger came back with the table
        with pytest.raises(ProgrammingError, match="审计日志只能追加"), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table}")


def test_restore_refuses_keys_that_do_not_open_the_data(platform_data, tmp_path):
    run("backup", tmp_path / "backup", "--keys", tmp_path / "keys.json")
    wrong = {
        **json.loads((tmp_path / "keys.json").read_text()),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    (tmp_path / "wrong.json").write_text(json.dumps(wrong))
    factories.person(platform_data.unit, name="王新")
    with pytest.raises(CommandError, match=r"密钥不符.*身份证号码都将无法解密"):
        run("restore", tmp_path / "backup", "--keys", tmp_path / "wrong.json", "--yes")
    assert Person.objects.filter(name="王新").exists()  # nothing restored


def test_restore_refuses_a_damaged_backup(platform_data, tmp_path):
    run("backup", tmp_path / "backup", "--keys", tmp_path / "keys.json")
    with tarfile.open(tmp_path / "backup" / backup.PRIVATE_TAR, "a") as tar:
        tar.add(tmp_path / "keys.json", arcname="extra")
    factories.person(platform_data.unit, name="王新")
    with pytest.raises(CommandError, match=r"private\.tar 缺失或已损坏"):
        run("restore", tmp_path / "backup", "--yes")
    assert Person.objects.filter(name="王新").exists()


def test_keys_are_never_written_into_the_backup(platform_data, tmp_path):
    with pytest.raises(CommandError, match="密钥文件不能放在备份目录里"):
        run("backup", tmp_path / "backup", "--keys", tmp_path / "backup" / "keys.json")


def test_embedded_install_gets_its_key_file_back(platform_data, tmp_path, settings, monkeypatch):
    run("backup", tmp_path / "backup", "--keys", tmp_path / "keys.json")
    for name in backup.KEY_NAMES:
        monkeypatch.delenv(name, raising=False)
    settings.VAR_DIR = tmp_path / "var"
    out = run("restore", tmp_path / "backup", "--keys", tmp_path / "keys.json", "--yes")
    assert "0 处不同" in out and "请重启网站" in out
    written = tmp_path / "var" / "local-secrets.json"
    assert json.loads(written.read_text()) == json.loads((tmp_path / "keys.json").read_text())
    assert written.stat().st_mode & 0o077 == 0


def test_backup_and_restore_refuse_a_transaction_pooler(settings, tmp_path):
    settings.DATABASE_POOLER = "pgbouncer"
    with pytest.raises(backup.BackupError, match="不经 PgBouncer"):
        backup._pg_command("pg_restore")
