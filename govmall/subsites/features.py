"""The functions a sub-site can switch on or off (分站功能开关).

An app registers a feature where its pages are built (AppConfig.ready), so the switch list
only ever shows functions that exist. `enabled(subsite, code)` is what views ask.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    code: str
    label: str
    description: str
    default: bool = True


_REGISTRY: dict[str, Feature] = {}


def register(code: str, label: str, description: str, *, default: bool = True) -> None:
    _REGISTRY[code] = Feature(code, label, description, default)


def all_features() -> list[Feature]:
    return list(_REGISTRY.values())


def enabled(subsite, code: str) -> bool:
    feature = _REGISTRY.get(code)
    if feature is None:
        return False
    return bool(subsite.features.get(code, feature.default))
