"""PostgreSQL back-end: a `tsv` tsvector column on products_searchdoc (name tokens weight A,
body C, facets D; built from our own tokens, never PostgreSQL's parser) with one partial GIN
index per static-rank tier. All PostgreSQL-specific search SQL is in this module.

Ranking without scoring every match: candidates are taken tier by tier (tier 1 = the best
static ranks, a few percent of the rows), `ORDER BY static_rank DESC LIMIT k` within a tier,
and only those k get a ts_rank score. A common word's matches in tier 1 are a small bitmap;
rare words fall through to the lower tiers, whose match lists are short anyway."""

from __future__ import annotations

from django.db import connection

from govmall.products.search.documents import Doc

TIERS = (1, 2, 3, 4, 5)  # 5 = overpriced (documents.OVERPRICED_TIER)
# ts_rank weights {D, C, B, A}: facets never count, name counts most.
WEIGHTS = "'{0, 0.2, 0.4, 1.0}'"


INDEXES = [f"CREATE INDEX IF NOT EXISTS products_searchdoc_tsv_t{t} ON products_searchdoc USING gin (tsv) WHERE tier = {t}" for t in TIERS] + [
    # Browsing without words (a category, or everything): best static rank first per tier.
    "CREATE INDEX IF NOT EXISTS products_searchdoc_rank ON products_searchdoc (tier, static_rank DESC, listing_id)",
]


def install(schema_editor) -> None:
    schema_editor.execute("ALTER TABLE products_searchdoc ADD COLUMN IF NOT EXISTS tsv tsvector")
    for sql in INDEXES:
        schema_editor.execute(sql)


def uninstall(schema_editor) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS products_searchdoc_rank")
    for t in TIERS:
        schema_editor.execute(f"DROP INDEX IF EXISTS products_searchdoc_tsv_t{t}")
    schema_editor.execute("ALTER TABLE products_searchdoc DROP COLUMN IF EXISTS tsv")


def drop_indexes() -> None:
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks may remain
        cur.execute("DROP INDEX IF EXISTS products_searchdoc_rank")
        for t in TIERS:
            cur.execute(f"DROP INDEX IF EXISTS products_searchdoc_tsv_t{t}")


def bulk_mode(on: bool) -> None:
    pass


def tiers_changed(schema_editor, overpriced_tier: int) -> None:
    """After a retier (search.retier): the missing partial indexes are made, the unused ones
    dropped, the statistics refreshed."""
    install(schema_editor)
    for t in range(overpriced_tier + 1, 10):
        schema_editor.execute(f"DROP INDEX IF EXISTS products_searchdoc_tsv_t{t}")
    schema_editor.execute("ANALYZE products_searchdoc")


def create_indexes() -> None:
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in INDEXES:
            cur.execute(sql)
        cur.execute("ANALYZE products_searchdoc")


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_text(doc: Doc) -> str:
    """The tsvector literal: each token once per field with its position and weight."""
    parts: dict[str, list[str]] = {}
    pos = 1
    for tokens, weight in ((doc.name, "A"), (doc.body, "C"), (doc.facets, "D")):
        for t in tokens:
            if pos < 16383:
                parts.setdefault(t, []).append(f"{pos}{weight}")
                pos += 1
    return " ".join(f"{_lexeme(t)}:{','.join(p[:8])}" for t, p in parts.items())


def tsquery_text(q, stage: str) -> str:
    """The tsquery for a compiled query; tokens are quoted lexemes, so user input never
    reaches tsquery syntax."""
    w = "A" if stage == "name" else "AC"
    parts = []
    for alts in q.terms:
        parts.append("(" + " | ".join(f"{_lexeme(a)}:{w}" for a in alts) + ")")
    for group in q.facets_all:
        parts.append("(" + " | ".join(f"{_lexeme(a)}:D" for a in group) + ")")
    return " & ".join(parts)


def _tiers(q) -> tuple[int, ...]:
    return TIERS[:-1] if q.hide_overpriced else TIERS


def _filter_sql(q, stage: str = "all") -> tuple[str, list]:
    """The WHERE conditions after the tier: the tsquery (when there is one), the sub-site and
    the exact price range."""
    tsq = tsquery_text(q, stage)
    sql, params = _price_sql(q)
    if tsq:
        return " AND tsv @@ %s::tsquery" + sql, [tsq, *params]
    return sql, params


def _price_sql(q) -> tuple[str, list]:
    sql, params = "", []
    if q.subsite_id is not None:
        sql += " AND subsite_id = %s"
        params.append(q.subsite_id)
    # "+ 0": the exact price is checked on the rows the tsquery (with its price-band tokens)
    # found; letting the planner AND in the (subsite, price) b-tree scans a large range of it.
    if q.price_min is not None:
        sql += " AND price + 0 >= %s"
        params.append(q.price_min)
    if q.price_max is not None:
        sql += " AND price + 0 <= %s"
        params.append(q.price_max)
    return sql, params


_UPSERT = (
    "INSERT INTO products_searchdoc (listing_id, subsite_id, doc_key, static_rank, tier, price, sales_count, overpriced, tsv) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::tsvector) ON CONFLICT (listing_id) DO UPDATE SET "
    "subsite_id = EXCLUDED.subsite_id, doc_key = EXCLUDED.doc_key, static_rank = EXCLUDED.static_rank, tier = EXCLUDED.tier, "
    "price = EXCLUDED.price, sales_count = EXCLUDED.sales_count, overpriced = EXCLUDED.overpriced, tsv = EXCLUDED.tsv"
)


def _row(d: Doc):
    return (d.listing_id, d.subsite_id, d.doc_key, d.static_rank, d.tier, d.price, d.sales_count, d.overpriced, tsvector_text(d))


def write(docs: list[Doc], removed: list[int]) -> None:
    """Upsert the SearchDoc rows (with their tsv) of `docs`; delete those of `removed`."""
    with connection.cursor() as cur:
        if removed:
            cur.execute("DELETE FROM products_searchdoc WHERE listing_id = ANY(%s)", [list(removed)])
        if docs:
            cur.executemany(_UPSERT, [_row(d) for d in docs])


def bulk_insert(docs: list[Doc]) -> None:
    if not docs:
        return
    with connection.cursor() as cur:
        with cur.cursor.copy(
            "COPY products_searchdoc (listing_id, subsite_id, doc_key, static_rank, tier, price, sales_count, overpriced, tsv) FROM STDIN"
        ) as copy:
            for d in docs:
                copy.write_row(_row(d))


def clear() -> None:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM products_searchdoc")


def optimize() -> None:
    """Fresh planner statistics for the index and the listings it joins back to (stale ones
    after a bulk load make the planner scan a low-selectivity index)."""
    with connection.cursor() as cur:
        cur.execute("ANALYZE products_searchdoc")
        cur.execute("ANALYZE products_listing")


def _cursor():
    """A cursor that binds on the client, so these statements are never prepared. The app's
    other cursors bind on the server and psycopg prepares what a connection repeats, which
    PostgreSQL may then run with a generic plan; a search statement's best plan depends on
    its words and filters (the tier's partial GIN index or a walk of the rank order), so it is
    planned with its values every time, as when these queries were measured
    (docs/PERFORMANCE.md). Wrapped as Django's cursors are (error translation, query log)."""
    import psycopg

    connection.ensure_connection()
    return connection._prepare_cursor(psycopg.ClientCursor(connection.connection))


def maintain() -> None:
    pass  # autovacuum keeps the statistics


def candidates(q, stage: str, limit: int, exclude: set[int] | frozenset = frozenset()) -> list[tuple[int, float]]:
    tsq = tsquery_text(q, stage)
    where, params = _filter_sql(q, stage)
    found: list[int] = []
    with _cursor() as cur:
        for t in _tiers(q):
            need = limit - len(found)
            if need <= 0:
                break
            cur.execute(
                f"SELECT listing_id FROM products_searchdoc WHERE tier = {t}{where} ORDER BY static_rank DESC, listing_id LIMIT %s",
                [*params, need + len(exclude)],
            )
            found += [r[0] for r in cur.fetchall() if r[0] not in exclude][:need]
        if not found or not tsq:
            return [(i, 0.0) for i in found]
        cur.execute(
            f"SELECT listing_id, ts_rank({WEIGHTS}, tsv, %s::tsquery) FROM products_searchdoc WHERE listing_id = ANY(%s)",
            [tsq, found],
        )
        scores = dict(cur.fetchall())
    return [(i, float(scores.get(i, 0.0))) for i in found]


def ordered(q, order: str, offset: int, limit: int) -> list[int]:
    """A page of matches in a plain order. Each tier is asked separately (so its partial GIN
    index is used) for its first offset + limit rows; the tiers' lists are merged here."""
    where, params = _filter_sql(q)
    # "+ 0": sort the (bucket-narrowed) matches rather than walk the price/sales b-tree and
    # test every row against the tsquery, which the planner may otherwise prefer.
    sort = {
        "static": "static_rank DESC, listing_id",
        "price": "price + 0, static_rank DESC, listing_id",
        "-price": "price + 0 DESC, static_rank DESC, listing_id",
        "-sales": "sales_count + 0 DESC, static_rank DESC, listing_id",
    }[order]
    key = {
        "static": lambda r: (-r[3], r[0]),
        "price": lambda r: (r[1], -r[3], r[0]),
        "-price": lambda r: (-r[1], -r[3], r[0]),
        "-sales": lambda r: (-r[2], -r[3], r[0]),
    }[order]
    rows = []
    with _cursor() as cur:
        for t in _tiers(q):
            cur.execute(
                f"SELECT listing_id, price, sales_count, static_rank FROM products_searchdoc WHERE tier = {t}{where} ORDER BY {sort} LIMIT %s",
                [*params, offset + limit],
            )
            rows += cur.fetchall()
    rows.sort(key=key)
    return [r[0] for r in rows[offset : offset + limit]]


def count(q, cap: int) -> int:
    where, params = _filter_sql(q)
    total = 0
    with _cursor() as cur:
        for t in _tiers(q):
            cur.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM products_searchdoc WHERE tier = {t}{where} LIMIT %s) s",
                [*params, cap - total],
            )
            total += cur.fetchone()[0]
            if total >= cap:
                break
    return total


def row_count() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM products_searchdoc WHERE tsv IS NOT NULL")
        return cur.fetchone()[0]
