from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    """The top layer: fills an installation with its reference data and the demo, through every
    app's services (so no lower app imports another one to seed it)."""

    name = "provisioning"
    verbose_name = "参考数据与演示数据"
