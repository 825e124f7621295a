from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    """Wiring only: management commands that span the apps (load_demo). No tables: the outbox's row is an abstract model."""

    name = "marketplace"
