"""PostgreSQL plans the copy index's lookups on the tables as they are while an import grows them
(copy_index._plan_each_time): a generic plan kept from the first documents scanned the whole
sentences table for every later one. The setting ends with the transaction: other work on the
pooled connection keeps PostgreSQL's default."""

from __future__ import annotations

from annotator.store import Store
from annotator.store.copy_index import CopyIndexer


def test_the_index_plans_each_lookup_within_its_transaction_only(new_pg_database):
    with Store(new_pg_database()) as store:
        with store._write() as s:
            before = s.connection().exec_driver_sql("SHOW plan_cache_mode").scalar_one()
            CopyIndexer(s)
            assert s.connection().exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "force_custom_plan"
        with store._write() as s:
            assert s.connection().exec_driver_sql("SHOW plan_cache_mode").scalar_one() == before == "auto"
