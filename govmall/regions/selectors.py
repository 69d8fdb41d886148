from govmall.regions.models import Level, Region


def region_subtree(region: Region):
    """The region and everything below it."""
    return Region.objects.filter(path__startswith=region.path)


def county_of(region: Region) -> Region | None:
    """The county-level unit a region belongs to (itself when it is one); None above."""
    node = region
    while node is not None and node.level > Level.COUNTY:
        node = node.parent
    return node if node is not None and node.level == Level.COUNTY else None


def get_by_code(code: str) -> Region:
    return Region.objects.get(code=code)
