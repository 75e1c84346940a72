from django.core.management.base import BaseCommand, CommandError

from provisioning.demo import CREDENTIALS_FILE, demo_allowed, load_demo_data


class Command(BaseCommand):
    help = "载入演示机构与演示账号，并写入 var/demo-credentials.json（仅限嵌入式演示环境）。"

    def handle(self, *args, **options):
        if not demo_allowed():
            raise CommandError("拒绝执行：演示账号只能在 DEBUG=1 或 CE_DEMO=1 时创建。")
        credentials = load_demo_data()
        labels = {
            "person": "专业技术人员",
            "unit": "用人单位审核员",
            "authority": "行业主管部门审核员",
            "base": "继续教育基地",
            "bureau": "市人社局管理员",
            "other_unit": "另一用人单位审核员",
        }
        self.stdout.write("演示账号（密码相同）：")
        for key, label in labels.items():
            user, password = credentials[key]
            self.stdout.write(f"  {label:<12} {user:<18} {password}")
        self.stdout.write(f"  演示学习平台接口令牌：{credentials['platform_token']}")
        self.stdout.write(f"  演示用人单位编号（unit_id）：{credentials['unit_id']}")
        self.stdout.write(f"已写入 {CREDENTIALS_FILE}")
