"""JSON endpoints of the products app, mounted by govmall/api.py under /api/v1/. Scoped like the pages."""

from ninja import Router
from ninja.security import django_auth

router = Router(auth=django_auth, tags=["products"])
