from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from provisioning import backup


class Command(BaseCommand):
    help = (
        "从 manage.py backup 的备份目录恢复数据库和私有文件（覆盖现有内容，先停止网站和后台任务），"
        "随后逐表核对行数和校验值、逐个核对私有文件，并用密钥抽查身份证号码能否解密。"
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="备份目录")
        parser.add_argument(
            "--keys", type=Path, help="备份时写出的密钥文件；省略时使用当前配置的密钥（须与备份时相同）"
        )
        parser.add_argument("--yes", action="store_true", help="不再询问，直接覆盖")

    def handle(self, *args, folder: Path, keys: Path | None, yes: bool, **options):
        if not yes and input(f"将用 {folder} 覆盖当前数据库和私有文件，输入 yes 继续：").strip() != "yes":
            raise CommandError("已取消，未做任何恢复。")
        try:
            manifest, result, installed = backup.restore(folder, keys)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if installed:
            self.stdout.write(f"密钥已写入 {installed}；请重启网站和后台任务进程。")
        self.stdout.write(
            f"已恢复 {manifest['created_at']} 的备份：{result.tables} 张表、{result.rows} 行，"
            f"私有文件 {result.files} 个，抽查身份证号码 {result.id_numbers_checked} 条；"
            f"与备份清单相比 {len(result.differences)} 处不同。"
        )
        if result.differences:
            for line in result.differences[:50]:
                self.stderr.write(line)
            raise CommandError("恢复结果与备份清单不一致，见上。")
