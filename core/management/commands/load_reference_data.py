from django.core.management.base import BaseCommand

from core.reference import load_reference_data


class Command(BaseCommand):
    help = "载入地区、人社局、继续教育基地名单、职称系列、年度政策和工作日历（可重复执行）。"

    def handle(self, *args, **options):
        counts = load_reference_data()
        self.stdout.write(self.style.SUCCESS(f"参考数据已就绪：新增 {counts}"))
