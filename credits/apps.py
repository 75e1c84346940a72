from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = "学时"

    def ready(self):
        from credits import attendance, receivers  # noqa: F401  (connects the signal receivers)

        attendance.register()
