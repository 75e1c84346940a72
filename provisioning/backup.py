"""Backup and restore of everything the platform cannot rebuild: the database, the private
files (evidence, attachments, exports) and the key set, which is written to a file of its own
so that it can be kept apart from the data it unlocks (README, "Backup and restore").

A backup is a folder: manifest.json (row count and checksum per table, digest per private
file, a fingerprint of the keys — never the keys), the database (SQLite's online-backup copy
or a pg_dump custom-format archive) and private.tar. Restore checks the folder against its
manifest, puts everything back, and compares the result with the manifest again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import connection, transaction

from core import crypto

FORMAT = 1
MANIFEST = "manifest.json"
PRIVATE_TAR = "private.tar"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
KEY_NAMES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "ID_LOOKUP_KEY")
# Enough encrypted ID numbers to show that the keys in force open the restored data.
KEY_SAMPLE = 200


class BackupError(Exception):
    """A refused backup or restore, with a Chinese message for the operator."""


@dataclass
class Verification:
    tables: int = 0
    rows: int = 0
    files: int = 0
    id_numbers_checked: int = 0
    differences: list[str] = field(default_factory=list)


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"不支持的数据库类型：{vendor}。")
    return vendor


def current_keys() -> dict[str, str]:
    return {
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "ID_LOOKUP_KEY": settings.ID_LOOKUP_KEY,
    }


def key_fingerprint(keys: dict[str, str]) -> str:
    """Tells whether a key file belongs to a backup without the backup holding the keys."""
    material = f"{keys['FIELD_ENCRYPTION_KEY']}\n{keys['ID_LOOKUP_KEY']}".encode()
    return hashlib.sha256(b"ce-backup-keys\n" + material).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- table checksums -------------------------------------------------------------------------


def _canonical(value) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    return repr(value)


def _sqlite_tables(cursor) -> dict[str, dict]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    result = {}
    for (table,) in cursor.fetchall():
        quoted = '"' + table.replace('"', '""') + '"'
        digest, rows = hashlib.sha256(), 0
        cursor.execute(f"SELECT * FROM {quoted} ORDER BY rowid")
        for row in cursor:
            digest.update("\x1f".join(_canonical(v) for v in row).encode() + b"\x1e")
            rows += 1
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def _postgresql_tables(cursor) -> dict[str, dict]:
    """Computed by the server: each row's text form, hashed in primary-key order."""
    result = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        quoted = connection.ops.quote_name(table)
        pk = connection.introspection.get_primary_key_column(cursor, table)
        order = connection.ops.quote_name(pk) if pk else "t::text"
        cursor.execute(
            f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY {order})), '') "
            f"FROM {quoted} AS t"
        )
        rows, digest = cursor.fetchone()
        result[table] = {"rows": rows, "sha256": digest}
    return result


def table_checksums() -> dict[str, dict]:
    """Row count and checksum of every table of the live database."""
    connection.ensure_connection()
    if engine() == "sqlite":
        return _sqlite_tables(connection.connection.cursor())
    with connection.cursor() as cursor:
        return _postgresql_tables(cursor)


# --- private files ---------------------------------------------------------------------------


def private_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


def private_digests(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): _sha256(path) for path in sorted(root.rglob("*")) if path.is_file()
    }


# --- backup ----------------------------------------------------------------------------------


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    if settings.DATABASE_POOLER:
        # pg_dump and pg_restore set their session first (search path, snapshot): behind a
        # transaction pooler those settings land on another server session than their work.
        raise BackupError(
            "备份和恢复须直连 PostgreSQL：请将 DATABASE_URL 指向数据库本身（不经 PgBouncer）后重试。"
        )
    if shutil.which(program) is None:
        raise BackupError(
            f"找不到 {program}：请安装与数据库同一主版本的 PostgreSQL 客户端（postgresql-client）。"
        )
    db = connection.settings_dict
    args = [program, "--dbname", db["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} 失败：{done.stderr.strip()[-500:]}")


def _backup_database(target: Path) -> dict[str, dict]:
    """Copies the database and returns the checksums of exactly what was copied."""
    connection.ensure_connection()
    if engine() == "sqlite":
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        # The copy is read back with the converters Django's connection uses, so that its
        # checksums compare with those of the restored database.
        copy = sqlite3.connect(target, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
        try:
            return _sqlite_tables(copy.cursor())
        finally:
            copy.close()
    # One snapshot for pg_dump and for the checksums, however busy the platform is.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        args, env = _pg_command("pg_dump")
        _run([*args, "--format=custom", f"--snapshot={snapshot}", "--file", str(target)], env)
        return _postgresql_tables(cursor)


def _backup_private(target: Path) -> dict[str, str]:
    root = private_root()
    digests = private_digests(root)
    with tarfile.open(target, "w") as tar:
        for name in digests:
            tar.add(root / name, arcname=name, recursive=False)
    return digests


def write_keys(path: Path, keys: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(keys, f, indent=2)


def backup(folder: Path, keys_path: Path) -> dict:
    folder, keys_path = folder.resolve(), keys_path.resolve()
    if keys_path.is_relative_to(folder):
        raise BackupError("密钥文件不能放在备份目录里：数据和打开它的钥匙要分开保管。")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"备份目录 {folder} 不是空目录。")
    # The copy holds everything the platform holds: only its owner may read it.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    kind = engine()
    database_file = folder / DATABASE_FILES[kind]
    tables = _backup_database(database_file)
    files = _backup_private(folder / PRIVATE_TAR)
    keys = current_keys()
    write_keys(keys_path, keys)
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "engine": kind,
        "database": {"file": database_file.name, "sha256": _sha256(database_file)},
        "private": {"file": PRIVATE_TAR, "sha256": _sha256(folder / PRIVATE_TAR), "files": files},
        "tables": tables,
        "keys_fingerprint": key_fingerprint(keys),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    for path in folder.iterdir():
        path.chmod(0o600)
    return manifest


# --- restore ---------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} 中没有 {MANIFEST}：这不是本平台的备份目录。")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 无法识别。")
    for part in ("database", "private"):
        file = folder / manifest[part]["file"]
        if not file.exists() or _sha256(file) != manifest[part]["sha256"]:
            raise BackupError(f"备份文件 {file.name} 缺失或已损坏（校验值不符），未做任何恢复。")
    return manifest


def _keys_from_file(path: Path) -> dict[str, str]:
    keys = json.loads(path.read_text())
    missing = [name for name in KEY_NAMES if not keys.get(name)]
    if missing:
        raise BackupError(f"密钥文件缺少 {', '.join(missing)}。")
    return keys


def _keys_in_force(manifest: dict, keys_path: Path | None) -> dict[str, str]:
    """The key set the restored platform will run with, refused unless it is the backup's."""
    keys = _keys_from_file(keys_path) if keys_path else current_keys()
    if key_fingerprint(keys) != manifest["keys_fingerprint"]:
        source = f"密钥文件 {keys_path}" if keys_path else "当前配置的密钥"
        raise BackupError(
            f"{source}与备份时的密钥不符：用它恢复，所有身份证号码都将无法解密、无法检索。"
            "请提供这份备份对应的密钥文件（--keys）。未做任何恢复。"
        )
    configured = {name for name in KEY_NAMES if os.environ.get(name)}
    if keys_path and configured and key_fingerprint(current_keys()) != manifest["keys_fingerprint"]:
        raise BackupError(
            "密钥由环境变量配置（" + "、".join(sorted(configured)) + "）：请先把它们改为密钥文件中的值，"
            "再运行恢复。未做任何恢复。"
        )
    return keys


def _restore_database(file: Path, kind: str) -> None:
    connection.ensure_connection()
    if kind == "sqlite":
        source = sqlite3.connect(file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    connection.close()
    args, env = _pg_command("pg_restore")
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run([*args, *options, str(file)], env)


def _restore_private(file: Path) -> None:
    """Unpacked beside the live folder, then swapped in, so a failed unpack changes nothing."""
    root = private_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=root.parent))
    with tarfile.open(file) as tar:
        tar.extractall(staging, filter="data")
    if root.exists():
        retired = root.with_name(f".{root.name}-replaced")
        shutil.rmtree(retired, ignore_errors=True)
        root.rename(retired)
        staging.rename(root)
        shutil.rmtree(retired)
    else:
        staging.rename(root)


def _install_keys(keys: dict[str, str], keys_path: Path | None) -> Path | None:
    """Without environment variables the embedded default reads var/local-secrets.json."""
    if keys_path is None or any(os.environ.get(name) for name in KEY_NAMES):
        return None
    target = Path(settings.VAR_DIR) / "local-secrets.json"
    if target.exists() and json.loads(target.read_text()) == keys:
        return None
    write_keys(target, keys)
    return target


def verify(manifest: dict, keys: dict[str, str]) -> Verification:
    """The live database and private folder against the manifest; the keys against the data."""
    result = Verification()
    expected, actual = manifest["tables"], table_checksums()
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want != got:
            result.differences.append(f"表 {table}：备份 {want}，恢复后 {got}")
    result.tables = len(actual)
    result.rows = sum(t["rows"] for t in actual.values())
    files = private_digests(private_root())
    for name in sorted(set(manifest["private"]["files"]) | set(files)):
        if manifest["private"]["files"].get(name) != files.get(name):
            result.differences.append(f"私有文件 {name} 与备份不同")
    result.files = len(files)
    result.id_numbers_checked, failures = _check_id_numbers(keys)
    result.differences += failures
    return result


def _check_id_numbers(keys: dict[str, str]) -> tuple[int, list[str]]:
    from accounts.models import Person

    fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys["FIELD_ENCRYPTION_KEY"].split(",")])
    lookup_key = keys["ID_LOOKUP_KEY"]
    checked, failures = 0, []
    rows = Person.objects.order_by("pk").values_list("pk", "id_number_encrypted", "id_number_hash")
    for pk, encrypted, lookup in rows[:KEY_SAMPLE]:
        checked += 1
        try:
            number = fernet.decrypt(encrypted.encode()).decode()
        except InvalidToken:
            failures.append(f"人员 {pk} 的身份证号码无法用当前密钥解密")
            continue
        if crypto.lookup_hash(number, key=lookup_key) != lookup:
            failures.append(f"人员 {pk} 的身份证号码检索值与当前密钥不符")
    return checked, failures


def restore(folder: Path, keys_path: Path | None) -> tuple[dict, Verification, Path | None]:
    folder = folder.resolve()
    manifest = read_manifest(folder)
    kind = engine()
    if manifest["engine"] != kind:
        raise BackupError(f"备份来自 {manifest['engine']} 数据库，当前配置的是 {kind}，未做任何恢复。")
    keys = _keys_in_force(manifest, keys_path)
    _restore_database(folder / manifest["database"]["file"], kind)
    _restore_private(folder / manifest["private"]["file"])
    installed = _install_keys(keys, keys_path)
    return manifest, verify(manifest, keys), installed
