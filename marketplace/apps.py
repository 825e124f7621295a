from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    """Wiring only: commands that span the apps (load_demo). No tables: the outbox row is abstract."""

    name = "marketplace"
