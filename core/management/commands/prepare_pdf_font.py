import time

from django.core.management.base import BaseCommand

from core import pdf


class Command(BaseCommand):
    help = "准备 PDF 内嵌的中文字体（思源宋体 Noto Serif SC 转为 TrueType，仅首次需要约 30 秒）。"

    def handle(self, *args, **options):
        started = time.monotonic()
        path = pdf.converted_font_path()
        self.stdout.write(f"PDF 中文字体：{path}（{time.monotonic() - started:.1f} 秒）")
