"""Add the bureau's credential signing key (Ed25519) to CE_CREDENTIAL_KEY_DIR.

    manage.py generate_credential_key              # a new key: it signs from now on (rotation)
    manage.py generate_credential_key --if-missing # only when there is none yet (make run)

Older keys stay in the folder and stay published, so what they signed still verifies.
"""

from django.core.management.base import BaseCommand

from certificates import keys


class Command(BaseCommand):
    help = "生成年度学时凭证的签名密钥（Ed25519），保存在 CE_CREDENTIAL_KEY_DIR。"

    def add_arguments(self, parser):
        parser.add_argument("--if-missing", action="store_true", help="已有密钥时不生成")

    def handle(self, *args, if_missing=False, **options):
        existing = keys.all_keys()
        if if_missing and existing:
            self.stdout.write(f"已有签名密钥 {existing[-1].kid}（{keys.key_dir()}）")
            return
        key = keys.generate()
        self.stdout.write(f"已生成签名密钥 {key.kid}（{keys.key_dir()}），公钥发布于 /.well-known/jwks.json")
