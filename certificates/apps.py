from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "certificates"
    verbose_name = "继续教育证书"

    def ready(self):
        from certificates import receivers  # noqa: F401 (connects the ledger listener)
