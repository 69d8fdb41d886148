#!/usr/bin/env python
"""Django's command-line utility, with configuration and database errors in one line."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmall.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    from govmall.env import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        sys.stderr.write(f"GovMall configuration error: {exc}\n")
        sys.exit(2)
    except OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        sys.stderr.write(f"GovMall cannot use the database ({first}); check DATABASE_URL and that the server is running\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
