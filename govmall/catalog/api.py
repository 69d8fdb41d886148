"""JSON endpoints of the catalog app, mounted by govmall/api.py under /api/v1/. Scoped like the pages."""

from ninja import Router
from ninja.security import django_auth

router = Router(auth=django_auth, tags=["catalog"])
