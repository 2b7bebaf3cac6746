from pathlib import Path

from django.core.management.base import BaseCommand

from language.model_labels import render_module

TARGET = Path(__file__).resolve().parents[2] / "model_strings.py"


class Command(BaseCommand):
    help = "Write language/model_strings.py: the model labels for the translation catalogue."

    def handle(self, *args, **options):
        TARGET.write_text(render_module())
        self.stdout.write(f"wrote {TARGET}")
