from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages for people, rendered on the server from the domain's selectors and services."""

    name = "web"
    verbose_name = "Web"
