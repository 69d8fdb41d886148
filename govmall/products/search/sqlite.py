"""SQLite back-end: an FTS5 table whose rowid is SearchDoc.doc_key (ascending = best static
rank first). All SQLite-specific search SQL is in this module.

Ranking without scoring every match: `WHERE fts MATCH q ORDER BY rowid LIMIT k` walks the
doclists in rowid order and stops after k rows, so only those k candidates get a bm25 score
(bm25 in the select list is evaluated for returned rows only)."""

from __future__ import annotations

from django.db import connection

from govmall.products.search.documents import OVERPRICED_KEY, Doc, listing_id_of
from govmall.products.search.text import text_score

TABLE = "products_search_fts"


def tiers_changed(schema_editor, overpriced_tier: int) -> None:
    """After a retier: nothing to do (FTS5 ranks by the document key; tiers are PostgreSQL's)."""


def install(schema_editor) -> None:
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(name, body, facets, tokenize = 'unicode61 remove_diacritics 0', detail = 'column')"
    )


def uninstall(schema_editor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def _lit(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _group(tokens) -> str:
    return "(" + " OR ".join(_lit(t) for t in tokens) + ")"


def match_expression(q, stage: str) -> str:
    """The FTS5 expression for a compiled query. Every token is a quoted string literal, so
    nothing a user typed can act as FTS5 syntax."""
    parts = []
    cols = "name" if stage == "name" else "{name body}"
    for alts in q.terms:
        parts.append(f"{cols} : {_group(alts)}")
    groups = list(q.facets_all)
    if q.subsite_id is not None:
        groups.insert(0, (f"s{q.subsite_id}",))
    for group in groups:
        parts.append(f"facets : {_group(group)}")
    return " AND ".join(parts)


def _range(q, col: str = "rowid") -> str:
    return f" AND {col} < {OVERPRICED_KEY}" if q.hide_overpriced else ""


def _price_sql(q) -> tuple[str, list]:
    sql, params = "", []
    if q.price_min is not None:
        sql += " AND d.price >= %s"
        params.append(q.price_min)
    if q.price_max is not None:
        sql += " AND d.price <= %s"
        params.append(q.price_max)
    return sql, params


_DOC_COLS = "listing_id, subsite_id, doc_key, static_rank, tier, price, sales_count, overpriced"


def _doc_row(d: Doc):
    return (d.listing_id, d.subsite_id, d.doc_key, d.static_rank, d.tier, str(d.price), d.sales_count, d.overpriced)


def write(docs: list[Doc], removed: list[int]) -> None:
    """Replace the SearchDoc and FTS rows of `docs`; delete those of `removed`."""
    ids = [d.listing_id for d in docs] + list(removed)
    if not ids:
        return
    with connection.cursor() as cur:
        old = []
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join(["%s"] * len(chunk))
            cur.execute(f"SELECT doc_key FROM products_searchdoc WHERE listing_id IN ({marks})", chunk)
            old += [r[0] for r in cur.fetchall()]
            cur.execute(f"DELETE FROM products_searchdoc WHERE listing_id IN ({marks})", chunk)
        if old:
            cur.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(k,) for k in old])
    bulk_insert(docs)


def bulk_insert(docs: list[Doc]) -> None:
    """Insert docs known to be new (full rebuild)."""
    if not docs:
        return
    # In ascending rowid (doc_key) order: FTS5 flushes its pending terms to a new segment
    # whenever a rowid is not above the last one, so rows in listing order (random keys) made
    # a segment per row and a 1,000,000-row rebuild quadratic (5,000 rows a segment now).
    docs = sorted(docs, key=lambda d: d.doc_key)
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO products_searchdoc ({_DOC_COLS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", [_doc_row(d) for d in docs])
        cur.executemany(
            f"INSERT INTO {TABLE}(rowid, name, body, facets) VALUES (%s, %s, %s, %s)",
            [(d.doc_key, " ".join(d.name), " ".join(d.body), " ".join(d.facets)) for d in docs],
        )


def clear() -> None:
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute("DELETE FROM products_searchdoc")


def drop_indexes() -> None:
    pass


def bulk_mode(on: bool) -> None:
    """During a rebuild: no incremental segment merging (optimize() merges once at the end)."""
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', %s)", [0 if on else 4])


def create_indexes() -> None:
    pass


def optimize() -> None:
    """Merge the FTS5 segments into one and refresh the planner's statistics (without them
    SQLite may scan a low-selectivity index instead of looking rows up by id)."""
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
        cur.execute("ANALYZE")


def maintain() -> None:
    with connection.cursor() as cur:
        cur.execute("PRAGMA optimize")


def candidates(q, stage: str, limit: int, exclude: set[int] | frozenset = frozenset()) -> list[tuple[int, float]]:
    """Up to `limit` matches in static-rank order with their text score (higher = better).

    The score is computed here from the candidates' own tokens (text.text_score), not with
    FTS5's bm25(): bm25 counts every document of every phrase of the query for its IDF, which
    is exactly the full scan this ranking avoids."""
    expr = match_expression(q, stage)
    price_sql, price_params = _price_sql(q)
    fetch = limit + len(exclude)
    with connection.cursor() as cur:
        if price_sql:
            cur.execute(
                f"SELECT f.rowid, f.name, f.body FROM {TABLE} f JOIN products_searchdoc d ON d.doc_key = f.rowid "
                f"WHERE {TABLE} MATCH %s{price_sql}{_range(q, 'f.rowid')} ORDER BY f.rowid LIMIT %s",
                [expr, *price_params, fetch],
            )
        else:
            cur.execute(f"SELECT rowid, name, body FROM {TABLE} WHERE {TABLE} MATCH %s{_range(q)} ORDER BY rowid LIMIT %s", [expr, fetch])
        rows = [(listing_id_of(k), name, body) for k, name, body in cur.fetchall()]
    rows = [r for r in rows if r[0] not in exclude][:limit]
    return [(i, text_score(name.split(), body.split(), q.terms)) for i, name, body in rows]


def ordered(q, order: str, offset: int, limit: int) -> list[int]:
    """A page of matches in a plain order: static (rank), price, -price, -sales."""
    expr = match_expression(q, "all")
    price_sql, price_params = _price_sql(q)
    with connection.cursor() as cur:
        if order == "static" and not price_sql:
            cur.execute(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s{_range(q)} ORDER BY rowid LIMIT %s OFFSET %s", [expr, limit, offset])
            return [listing_id_of(r[0]) for r in cur.fetchall()]
        sort = {"static": "d.doc_key", "price": "d.price, d.doc_key", "-price": "d.price DESC, d.doc_key", "-sales": "d.sales_count DESC, d.doc_key"}[order]
        cur.execute(
            f"SELECT d.listing_id FROM {TABLE} f JOIN products_searchdoc d ON d.doc_key = f.rowid "
            f"WHERE {TABLE} MATCH %s{price_sql}{_range(q, 'f.rowid')} ORDER BY {sort} LIMIT %s OFFSET %s",
            [expr, *price_params, limit, offset],
        )
        return [r[0] for r in cur.fetchall()]


def count(q, cap: int) -> int:
    expr = match_expression(q, "all")
    price_sql, price_params = _price_sql(q)
    with connection.cursor() as cur:
        if price_sql:
            cur.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} f JOIN products_searchdoc d ON d.doc_key = f.rowid "
                f"WHERE {TABLE} MATCH %s{price_sql}{_range(q, 'f.rowid')} LIMIT %s)",
                [expr, *price_params, cap],
            )
        else:
            cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s{_range(q)} LIMIT %s)", [expr, cap])
        return cur.fetchone()[0]


def row_count() -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {TABLE}")
        return cur.fetchone()[0]
