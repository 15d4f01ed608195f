"""The window on a PostgreSQL database: tagging with the keyboard stores the span there; the title
names the database and neither it nor the settings file ever holds the password; an annotator with
only the lab group's rights (tests/postgres/lab.py) works in it."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from annotator.core.model import Document
from annotator.core.text import content_hash
from annotator.store import Store
from tests.gui.helpers import drag, keys
from tests.postgres.lab import lab_fixture  # noqa: F401 (the lab fixture)

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


def test_the_window_works_with_only_the_annotators_groups_rights(open_window, lab, tmp_path, qtbot):
    """bob, a member of the lab's group (no CREATE, owning nothing), tags with the keyboard; the
    learned suggestion lands in the other document too; alice sees both in bob's layer."""
    from annotator.core.model import Source, Span
    from annotator.store.team_roles import set_up_team

    set_up_team(lab.admin_url(), lab.role("annotators"))
    other_text = "Later, Marie spoke."
    with Store(lab.url("alice"), annotator="alice") as alice:
        alice.add_documents([(Document(None, title, text, content_hash=content_hash(text)), [])
                             for title, text in (("Pompeo", TEXT), ("Later", other_text))])
        alice.add_span(1, Span(0, 11, "PERSON"))
    with Store(lab.url("bob"), annotator="bob") as store:
        window = open_window(store)
        assert lab.password("bob") not in window.windowTitle()
        start = TEXT.index("Marie")
        drag(window.view, start, start + 5)
        keys(window.view, "p")
        learned = (other_text.index("Marie"), other_text.index("Marie") + 5, Source.PATTERN)
        qtbot.waitUntil(lambda: [(s.start, s.end, s.source) for s in store.spans(2)] == [learned], timeout=30000)
        window.close()
    with Store(lab.url("alice"), annotator="alice") as alice:
        assert [(s.start, s.label) for s in alice.spans(1, annotator="bob")] == [(start, "PERSON")]
        assert [(s.start, s.end, s.source) for s in alice.spans(2, annotator="bob")] == [learned]
    assert lab.password("bob") not in (tmp_path / "settings.ini").read_text(encoding="utf-8")
