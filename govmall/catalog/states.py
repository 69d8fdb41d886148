"""The mall catalog version's life (商城品目目录版本): draft → published → superseded.

A draft is edited; publishing freezes it and supersedes the version in force. Only
`audit.states.transition` with this table changes `MallCatalogVersion.status`.
"""

from govmall.audit.states import StateMachine
from govmall.catalog.models import MallCatalogStatus

MALL_CATALOG_MACHINE = StateMachine(
    field="status",
    choices=MallCatalogStatus,
    allowed={
        MallCatalogStatus.DRAFT: frozenset({MallCatalogStatus.PUBLISHED}),
        MallCatalogStatus.PUBLISHED: frozenset({MallCatalogStatus.SUPERSEDED}),
        MallCatalogStatus.SUPERSEDED: frozenset(),
    },
)
