from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of every app (``manage.py demo_data``): kept out of the production apps."""

    name = "demo"
    verbose_name = "Demo data"
