from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from provisioning import backup


class Command(BaseCommand):
    help = (
        "备份数据库、私有文件（证明材料、附件、导出文件）到一个空目录，并把密钥写到另一处的文件："
        "manage.py backup 备份目录 --keys 密钥文件（两者分开保管）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="备份目录（不存在或为空）")
        parser.add_argument("--keys", type=Path, required=True, help="密钥文件路径（不能在备份目录里）")

    def handle(self, *args, folder: Path, keys: Path, **options):
        try:
            manifest = backup.backup(folder, keys)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["tables"]
        rows = sum(t["rows"] for t in tables.values())
        self.stdout.write(
            f"已备份：{manifest['engine']} 数据库 {len(tables)} 张表、{rows} 行，"
            f"私有文件 {len(manifest['private']['files'])} 个 → {folder}；密钥 → {keys}"
            f"（指纹 {manifest['keys_fingerprint']}）。"
        )
