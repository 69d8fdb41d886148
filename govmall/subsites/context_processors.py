from govmall.subsites import features
from govmall.subsites.models import Subsite


def subsite(request):
    site = getattr(request, "subsite", None)
    if site is None:
        return {}
    return {
        "subsite": site,
        "subsite_switch": Subsite.objects.filter(is_active=True).select_related("region"),
        "feature_on": {f.code: features.enabled(site, f.code) for f in features.all_features()},
    }
