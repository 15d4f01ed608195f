"""The test cluster itself: it runs, its databases are UTF8 and count code points."""

from __future__ import annotations

import psycopg


def test_each_database_is_fresh_utf8_and_counts_code_points(new_pg_database):
    first, second = new_pg_database(), new_pg_database()
    assert first != second
    with psycopg.connect(first, autocommit=True) as con:
        con.execute("CREATE TABLE t (x text)")
        assert con.execute("SHOW server_encoding").fetchone()[0] == "UTF8"
        # an astral emoji and a combining mark: 4 code points, as Python counts them
        assert con.execute("SELECT length(%s)", ("a\U0001F600e\u0301",)).fetchone()[0] == len("a\U0001F600e\u0301") == 4
    with psycopg.connect(second) as con:
        assert con.execute("SELECT count(*) FROM pg_tables WHERE tablename = 't'").fetchone()[0] == 0
