from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "通知公告与帮助"

    def ready(self):
        from bulletins import receivers  # noqa: F401  (keeps the footer contacts in step)
