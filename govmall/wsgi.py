import os
import sys

from django.core.wsgi import get_wsgi_application

from govmall.env import ConfigError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmall.settings")
try:
    application = get_wsgi_application()
except ConfigError as exc:
    sys.stderr.write(f"GovMall configuration error: {exc}\n")
    sys.exit(2)
