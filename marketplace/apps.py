from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    """Wiring only: management commands that span the apps (load_demo). No models."""

    name = "marketplace"
