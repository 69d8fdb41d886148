"""The one JSON API (django-ninja, OpenAPI at /api/v1/docs): each app's router mounted here."""

from ninja import NinjaAPI

from govmall.bidding.api import router as bidding_router
from govmall.catalog.api import router as catalog_router
from govmall.contracts.api import router as contracts_router
from govmall.disclosure.api import router as disclosure_router
from govmall.limits.api import router as limits_router
from govmall.ordering.api import router as ordering_router
from govmall.plans.api import router as plans_router
from govmall.portal.api import public as public_router
from govmall.portal.api import router as portal_router
from govmall.products.api import router as products_router
from govmall.purchasers.api import router as purchasers_router
from govmall.suppliers.api import router as suppliers_router
from govmall.training.api import router as training_router

api = NinjaAPI(title="GovMall API", version="1", urls_namespace="api", docs_url="/docs")
api.add_router("/", public_router)
api.add_router("/", portal_router)
api.add_router("/catalog", catalog_router)
api.add_router("/purchasers", purchasers_router)
api.add_router("/plans", plans_router)
api.add_router("/limits", limits_router)
api.add_router("/products", products_router)
api.add_router("/training", training_router)
api.add_router("/disclosure", disclosure_router)
api.add_router("/suppliers", suppliers_router)
api.add_router("/ordering", ordering_router)
api.add_router("/bidding", bidding_router)
api.add_router("/contracts", contracts_router)
