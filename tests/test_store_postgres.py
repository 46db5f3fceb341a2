"""The PostgreSQL engine beyond the shared store tests: many writers at once, a server crash, URLs and passwords.

The store behaviour tests in ``tests/test_store.py`` (round trip, undo/redo
across reconnect, migrations, bad input, commit-before-return, a killed
writer) run on both engines; these are PostgreSQL's own.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import egomap as em

sys.path.insert(0, str(Path(__file__).parent))
from pg import Cluster, execute, memory_dir, need_postgres  # noqa: E402

psycopg = pytest.importorskip("psycopg")

_MANY = textwrap.dedent(
    """
    import os, sys, time, egomap as em
    url, pid, label, n, go = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    s = em.open_store(url)
    m = s.person(pid).map("Baseline")
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.002)
    for i in range(n):
        if i % 4 == 0:
            m.add_alter(f"{label}{i}", ring=i % 3, sector="friends")
        else:
            m.update("Start", note=f"{label}{i}")  # every writer changes the same alter
        print(i, flush=True)
    print("done", flush=True)
    """
)


@pytest.mark.parametrize("layout", ["one map", "different persons"])
def test_four_writers_200_edits_each_nothing_lost_no_errors(pg_cluster, tmp_path, layout):
    url = pg_cluster.new_db()
    persons = ["R-1"] * 4 if layout == "one map" else ["R-1", "R-2", "R-3", "R-4"]
    with em.open_store(url) as s:
        for pid in dict.fromkeys(persons):
            s.add_person(pid).new_map("Baseline").add_alter("Start", ring=0, sector="friends")
    n, go = 200, tmp_path / "go"
    labels = ["w", "x", "y", "z"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _MANY, url, pid, label, str(n), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for pid, label in zip(persons, labels)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    go.touch()
    outs = [p.communicate(timeout=300) for p in procs]
    for (out, err), p in zip(outs, procs):
        assert p.returncode == 0 and err == "", err  # no error surfaced to the user
        assert out.splitlines()[-1] == "done"
    with em.open_store(url) as s:
        for pid in dict.fromkeys(persons):
            m = s.person(pid).map("Baseline")
            mine = [lab for p, lab in zip(persons, labels) if p == pid]
            assert {a.label for a in m.alters} == {"Start"} | {f"{lab}{i}" for lab in mine for i in range(0, n, 4)}
            edits = [e for e in m.history() if e["action"] == "edit" and e["description"] != "add Start"]
            assert len(edits) == n * len(mine)  # every acknowledged edit is in the log
            notes = [e["edit"]["placement"]["note"] for e in edits if e["edit"]["op"] == "update"]
            assert m.placement("Start").note == notes[-1]  # the one logged last is what is kept
            assert len({e["writer"] for e in edits}) == len(mine)


_CRASH_WRITER = textwrap.dedent(
    """
    import sys, time, egomap as em
    s = em.open_store(sys.argv[1])
    m = s.person("R-C").map("Baseline")
    i = 0
    while True:
        try:
            a = m.add_alter(f"a{i}", ring=i % 3, sector="friends")
            m.update(a, note=f"note {i}")
            print(i, flush=True)
        except em.StoreError as e:  # the server is down: a clear egomap error, then try again
            print("error", type(e).__name__, str(e).replace(chr(10), " "), flush=True)
            time.sleep(0.05)
        i += 1
    """
)


def test_server_crash_mid_run_loses_no_acknowledged_edit(tmp_path):
    need_postgres()
    cluster = Cluster(memory_dir())  # its own server: this test stops it the hard way
    try:
        url = cluster.new_db()
        with em.open_store(url) as s:
            s.add_person("R-C").new_map("Baseline")
        proc = subprocess.Popen([sys.executable, "-c", _CRASH_WRITER, url], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        acked: list[int] = []
        errors: list[str] = []

        def read_until(pred) -> None:
            for line in proc.stdout:
                if line.startswith("error"):
                    errors.append(line)
                else:
                    acked.append(int(line))
                if pred():
                    return
            raise AssertionError("the writer stopped")

        read_until(lambda: len(acked) >= 15)
        cluster.crash()  # pg_ctl stop -m immediate, while the writer is writing
        read_until(lambda: len(errors) >= 2)
        down = len(acked)
        cluster.start()
        read_until(lambda: len(acked) >= down + 15)  # the engine reconnected by itself
        proc.kill()
        proc.wait()
        assert all("StoreError" in e or "SaveError" in e for e in errors), errors
        assert not any("Traceback" in e for e in errors)
        with em.open_store(url) as s:
            m = s.person("R-C").map("Baseline")
            for i in acked:
                assert m.placement(f"a{i}").note == f"note {i}"
    finally:
        cluster.stop()


def test_environment_and_postgres_scheme(pg_cluster, monkeypatch):
    url = pg_cluster.new_db()
    monkeypatch.setenv("EGOMAP_STORE", url.replace("postgresql://", "postgres://"))
    with em.open_store() as s:
        s.add_person("R-ENV")
        assert str(s.path).startswith("postgresql://postgres@127.0.0.1:")
        assert s.info()["persons"] == 1 and s.schema_version == em.store.SCHEMA_VERSION
    with em.open_store(url) as s:
        assert s.person_ids() == ["R-ENV"]


def test_no_password_in_any_message(pg_cluster):
    with psycopg.connect(pg_cluster.url(), autocommit=True) as c:
        c.execute("DROP ROLE IF EXISTS pw_user")
        c.execute("CREATE ROLE pw_user LOGIN PASSWORD 'right-pass'")
    url = pg_cluster.url().replace("postgres@", "pw_user:Wr0ng-s3cret@").replace("127.0.0.1", "localhost")
    # trust authentication lets anyone in; a wrong database name makes the server refuse instead
    bad = url.rsplit("/", 1)[0] + "/no_such_db"
    with pytest.raises(em.StoreError) as e:
        em.open_store(bad)
    assert "Wr0ng-s3cret" not in str(e.value) and "pw_user@localhost" in str(e.value)
    assert e.value.__suppress_context__  # the driver's own exception (and its text) is not chained on


def test_newer_schema_and_not_a_store_are_refused(pg_cluster):
    url = pg_cluster.new_db()
    em.open_store(url).close()
    execute(url, f"UPDATE meta SET value = '{em.store.SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
    with pytest.raises(em.StoreError, match="newer egomap"):
        em.open_store(url)
    other = pg_cluster.new_db()
    execute(other, "CREATE SCHEMA egomap; CREATE TABLE egomap.things (x int)")
    with pytest.raises(em.NotAStoreError, match="not an egomap store"):
        em.open_store(other)


def test_missing_psycopg_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    with pytest.raises(em.StoreError, match=r'pip install -e "\.\[postgres\]"'):
        em.open_store("postgresql://alice:s3cret@127.0.0.1:1/egomap")


def test_practitioner_cannot_upgrade_the_schema_the_admin_can(pg_cluster):
    """An upgrade needs the admin: a practitioner opening an older team store gets a clear message, nothing changes."""
    from egomap import fields
    from egomap.store.postgres import team

    url = pg_cluster.new_db()
    team.init(url)
    team.add_member(url, "pia", "practitioner")
    db = url.rsplit("/", 1)[1]
    with em.open_store(pg_cluster.url(db, "pia")) as s:
        s.add_person("R-P").new_map("Baseline").add_alter("Jo", ring=0, sector="friends")
    # make it a store of the previous schema version, as an older egomap left it
    newest = [f for f in fields.FIELDS if f.since == em.store.SCHEMA_VERSION]
    drop = "; ".join(f"ALTER TABLE {f.owner}s DROP COLUMN {f.column} CASCADE" for f in newest)
    if em.store.SCHEMA_VERSION == 5:  # version 5 also added a table and a column of maps
        drop += "; DROP TABLE resources CASCADE; ALTER TABLE maps DROP COLUMN resource_scheme CASCADE"
    execute(url, f"{drop}; UPDATE meta SET value = '{em.store.SCHEMA_VERSION - 1}' WHERE key = 'schema_version'")
    with pytest.raises(em.StoreError, match="ask the team's admin to run: egomap team init"):
        em.open_store(pg_cluster.url(db, "pia"))
    with em.open_store(url) as s:  # the admin opens it: upgraded, the team's policies and views made again
        assert s.schema_version == em.store.SCHEMA_VERSION
    with em.open_store(pg_cluster.url(db, "pia")) as s:
        assert s.person("R-P").map("Baseline").alters[0].label == "Jo"


def test_cli_commands_on_a_postgres_store(pg_cluster, tmp_path, capsys):
    from egomap.cli import main

    url = pg_cluster.new_db()
    assert main(["demo", "--store", url, "-n", "4"]) == 0
    assert main(["info", "--store", url]) == 0
    out = tmp_path / "all.json"
    assert main(["export", "--format", "json", str(out), "--store", url, "--include-names"]) == 0
    assert main(["lab", "--dry-run", "--store", url]) == 0
    other = pg_cluster.new_db()
    assert main(["import", "--format", "json", str(out), "--store", other]) == 0
    text = capsys.readouterr().out
    assert "persons: 5" in text and f"store {url}" in text
    with em.open_store(url) as a, em.open_store(other) as b:
        assert a.person_ids() == b.person_ids() and len(a.person_ids()) == 5
        assert [m.to_dict() for m in a.person(em.demo.DEMO_ID).maps] == [
            m.to_dict() for m in b.person(em.demo.DEMO_ID).maps
        ]


def test_changed_maps_are_told_to_listeners_who_may_see_them(pg_cluster):
    """The store side of live updates: LISTEN/NOTIFY, filtered by row-level security."""
    from egomap.store.postgres import team
    from egomap.store.postgres.notify import MapChanges

    url = pg_cluster.new_db()
    team.init(url)
    for name in ("nia", "ned"):
        team.add_member(url, name, "practitioner")
    db = url.rsplit("/", 1)[1]
    with em.open_store(pg_cluster.url(db, "nia")) as a:
        m = a.add_person("R-N").new_map("Baseline")
        with MapChanges(pg_cluster.url(db, "nia")) as mine, MapChanges(pg_cluster.url(db, "ned")) as other:
            assert mine.poll() == set()
            m.add_alter("Jo", ring=0, sector="friends")
            assert mine.poll(timeout=2.0) == {m.id}  # told within 2 seconds
            m.undo()
            m2 = a.person("R-N").new_map("Later")
            assert mine.poll(timeout=2.0) | mine.poll(timeout=0.5) == {m.id, m2.id}
            with a.batch():  # nothing is told before the transaction commits
                m.add_alter("Kim", ring=1, sector="friends")
                assert mine.poll(timeout=0.2) == set()
            assert mine.poll(timeout=2.0) == {m.id}
            assert other.poll(timeout=0.2) == set()  # ned may not see R-N's maps: not even that they changed


def test_read_columns_equal_read_table(pg_cluster):
    """The bulk column read (one string_agg per column) gives the rows read_table gives, in one row order."""
    np = pytest.importorskip("numpy")
    url = pg_cluster.new_db()
    with em.open_store(url) as s:
        em.demo.synthetic_cohort(s, n=6, k=2, seed=5)
        # old data may hold a control character (egomap refuses them now): the separator inside a value, row by row
        execute(url, "UPDATE alters SET relationship = 'a' || chr(31) || 'b' WHERE n = (SELECT min(n) FROM alters)")
        cols = ["map_id", "alter_id", "ring", "sector", "angle", "kind", "is_professional", "relationship", "valence"]
        table = s.read_table("placements", cols)
        arrays = s.read_columns("placements", cols)
        order = np.lexsort((arrays["alter_id"], arrays["map_id"]))
        want_all = table.sort_values(["map_id", "alter_id"]).reset_index(drop=True)
        for c in cols:
            got, want = arrays[c][order], want_all[c].to_numpy()
            if got.dtype.kind == "S":
                want = np.array([v.encode() if isinstance(v, str) else b"" for v in want], dtype="S")
            np.testing.assert_array_equal(got, want.astype(got.dtype), err_msg=c)
        ids = s.read_maps()["map_id"].tolist()[:3]
        part = s.read_columns("ties", ["map_id", "a", "b"], ids)
        assert set(part["map_id"].tolist()) <= {i.encode() for i in ids}
        assert len(part["a"]) == len(s.read_table("ties", ["a"], ids)) > 0
        assert {len(v) for v in s.read_columns("ties", ["a"], []).values()} == {0}
        assert b"a\x1fb" in set(arrays["relationship"].tolist())


def test_jupyterhub_style_logins_pguser_and_a_service_file(pg_cluster, tmp_path, monkeypatch):
    """As the README says: one shared URL without a user, the user from PGUSER or from a per-user service file."""
    from egomap.store.postgres import team

    url = pg_cluster.new_db()
    db = url.rsplit("/", 1)[1]
    team.init(url)
    team.add_member(url, "hub_kim", "practitioner")
    monkeypatch.setenv("PGUSER", "hub_kim")
    shared = f"postgresql://127.0.0.1:{pg_cluster.port}/{db}"
    with em.open_store(shared) as s:
        s.add_person("R-HUB")
        assert s._conn.info.user == "hub_kim"
    monkeypatch.delenv("PGUSER")
    service = tmp_path / "pg_service.conf"
    service.write_text(f"[egomap]\nhost=127.0.0.1\nport={pg_cluster.port}\ndbname={db}\nuser=hub_kim\n")
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    monkeypatch.setenv("EGOMAP_STORE", "postgresql:///?service=egomap")
    with em.open_store() as s:
        assert s.person_ids() == ["R-HUB"] and s.path == "postgresql:///?service=egomap"
