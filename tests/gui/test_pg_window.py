"""The window on a PostgreSQL database: tagging with the keyboard stores the span there; the title
names the database and neither it nor the settings file ever holds the password."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from annotator.core.model import Document
from annotator.core.text import content_hash
from annotator.store import Store
from tests.gui.helpers import drag, keys

TEXT = "Mike Pompeo met 👩‍🔬 Marie in Sochi."


def test_the_window_works_on_postgresql_and_never_shows_or_saves_the_password(open_window, new_pg_database, tmp_path, qtbot):
    url = new_pg_database()
    password = make_url(url).password
    with Store(url, annotator="alice") as store:
        store.add_documents([(Document(None, "Pompeo", TEXT, content_hash=content_hash(TEXT)), [])])
        window = open_window(store)
        assert make_url(url).database in window.windowTitle() and password not in window.windowTitle()
        window.suggestions.first_run(True)  # remembers the database in the settings (by its shown name)
        start = TEXT.index("Marie")
        drag(window.view, start, start + 5)
        keys(window.view, "p")
        qtbot.waitUntil(lambda: [(s.start, s.end, s.label) for s in store.spans(1)] == [(start, start + 5, "PERSON")])
        window.close()
    settings = (tmp_path / "settings.ini").read_text(encoding="utf-8")
    assert make_url(url).database in settings  # the first-run key names the database...
    assert password not in settings  # ...without its password
