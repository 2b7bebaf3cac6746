#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A newcomer's commands work as the README writes them: development settings unless the
    # environment says production (compose does; gunicorn and Celery default to production).
    os.environ.setdefault("CLAIMS_ENV", "development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
