"""The search user dictionary (用户词典) and synonyms, built from the database and kept per
process. Rebuilt when its stamp changes (a new brand, a newly published mall catalog, a
changed spec template); the stamp is read at most every few seconds."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from django.db.models import Max

from govmall.products.search.text import Lexicon, Segmenter, is_cjk, normalize

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.txt"
STAMP_TTL_SECONDS = 5.0
_SPLIT = re.compile(r"[、，,（）()/\s]+")
_PLACE_SUFFIX = re.compile(r"(市|区|县|镇|乡|街道|街道办事处|办事处|开发区|管理区)$")

_lock = threading.Lock()
_state: dict = {"lexicon": None, "segmenter": None, "checked": 0.0}
_static_names: dict[int, tuple[list[str], list[str]]] = {}  # per catalog edition: category and region names


def _stamp() -> tuple:
    from govmall.catalog.models import MallCatalogStatus, MallCatalogVersion
    from govmall.products.models import Brand, SpecTemplate

    versions = tuple(MallCatalogVersion.objects.filter(status=MallCatalogStatus.PUBLISHED).order_by("pk").values_list("pk", flat=True))
    return (
        Brand.objects.aggregate(m=Max("pk"))["m"],
        Brand.objects.count(),
        versions,
        SpecTemplate.objects.aggregate(m=Max("updated_at"))["m"],
    )


def read_synonym_file() -> list[tuple[str, ...]]:
    groups = []
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            groups.append(tuple(line.split()))
    return groups


def build_lexicon() -> Lexicon:
    from govmall.catalog.models import Category, MallCatalogStatus, MallItem
    from govmall.catalog.selectors import current_edition
    from govmall.products.models import Brand, SpecTemplate
    from govmall.regions.models import Region

    words: dict[str, int] = {}

    def add(word: str, prio: int):
        w = normalize(word).strip()
        if len(w) >= 2 and (is_cjk(w) or w.isalnum()):
            words[w] = max(prio, words.get(w, 0))

    def add_name(name: str, prio: int):
        add(name, prio)
        for part in _SPLIT.split(name):
            add(part, prio)

    stamp = _stamp()
    edition = current_edition()
    names = _static_names.get(edition.pk)
    if names is None:
        names = _static_names[edition.pk] = (
            list(Category.objects.filter(edition=edition).values_list("name", flat=True)),
            list(Region.objects.values_list("name", flat=True)),
        )
    for name in names[0]:
        add_name(name, 1)
    groups = read_synonym_file()
    items = MallItem.objects.filter(version__status=MallCatalogStatus.PUBLISHED).select_related("category")
    for item in items:
        add_name(item.local_name, 8)
        group = [item.local_name]
        for alias in item.alias_list():
            add(alias, 7)
            group.append(alias)
        if item.category_id:
            group.append(item.category.name)
        if len(group) > 1:
            groups.append(tuple(dict.fromkeys(group)))
    for g in groups:
        for w in g:
            add(w, 6)
    for name in Brand.objects.values_list("name", flat=True):
        add(name, 9)
    for name in names[1]:
        add(name, 3)
        add(_PLACE_SUFFIX.sub("", name), 3)
    for template in SpecTemplate.objects.all():
        for attr in template.attributes:
            for choice in attr.get("choices") or []:
                if is_cjk(normalize(choice)):
                    add(choice, 2)
    return Lexicon(words=words, groups=groups, stamp=stamp).prepare()


def current(force_check: bool = False) -> tuple[Lexicon, Segmenter]:
    """This process's lexicon and segmenter, rebuilt when the database's stamp moved."""
    now = time.monotonic()
    lex = _state["lexicon"]
    if lex is not None and not force_check and now - _state["checked"] < STAMP_TTL_SECONDS:
        return lex, _state["segmenter"]
    with _lock:
        stamp = _stamp()
        _state["checked"] = time.monotonic()
        lex = _state["lexicon"]
        if lex is None or lex.stamp != stamp:
            lex = build_lexicon()
            seg = _state["segmenter"] or Segmenter()
            seg.load(lex.words)
            _state["segmenter"] = seg
            _state["lexicon"] = lex
        return lex, _state["segmenter"]


def reset() -> None:
    """Forget the cached lexicon (tests that change the catalog; the next call rebuilds)."""
    with _lock:
        _state["lexicon"] = None
        _state["checked"] = 0.0
