from django.core.management.base import BaseCommand

from organisations.provinces import PROVINCES
from provisioning.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "载入地区、人社局、继续教育基地名单、职称系列、年度政策和工作日历（可重复执行）；"
        "--province henan 另载入全省各市、县（市、区）及其人社局。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            choices=sorted(PROVINCES),
            default=None,
            help="全省安装：载入该省现行的全部市、县（市、区）及其人社局（默认取 CE_PROVINCE）",
        )

    def handle(self, *args, **options):
        counts = load_reference_data(province=options["province"])
        self.stdout.write(self.style.SUCCESS(f"参考数据已就绪：新增 {counts}"))
