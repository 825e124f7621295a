from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = "Subsidies"
    default_auto_field = "django.db.models.BigAutoField"
