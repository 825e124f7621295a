#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    if "SECRET_KEY" not in os.environ:
        # Nothing configured: a developer's machine, so development mode. A deployment
        # sets SECRET_KEY, and then DEBUG stays off unless it is set too.
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
