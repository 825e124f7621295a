from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Workflow"
    default_auto_field = "django.db.models.BigAutoField"
