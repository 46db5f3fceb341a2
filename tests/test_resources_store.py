"""Who could help with what, and social capital, in both store engines (issue 17): rows, edit log, migration, copy, access."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pytest

import egomap as em
from egomap.store import SCHEMA_VERSION

sys.path.insert(0, str(Path(__file__).parent))
from pg import columns_of, execute, query, rows_of, team_db  # noqa: E402
from test_resources_model import custom_scheme  # noqa: E402
from test_tie_types import _V3_FILE_SQL  # noqa: E402

# The version-3 file as version 4 left it (version 4 added ties.types only): frozen here, not taken from the code.
_V4_FILE_SQL = _V3_FILE_SQL.replace(
    "PRAGMA user_version = 3;", "ALTER TABLE ties ADD COLUMN types TEXT NOT NULL DEFAULT '';\nPRAGMA user_version = 4;"
)


def _resource_rows(location) -> list[tuple]:
    """The rows of table ``resources``, sorted, through a plain connection."""
    return sorted(query(location, "SELECT map_id, item, alter_id FROM resources"))


def _everything(location) -> tuple:
    return rows_of(location), _resource_rows(location)


def _person(s, pid="R-S1", **kw):
    p = s.add_person(pid, **kw)
    m = p.new_map("Baseline", date="2026-01-12", resources=custom_scheme())
    mum = m.add_alter("Mum", ring=0, sector="household")
    sam = m.add_alter("Sam", ring=1, sector="friends", met_through="Tuesday football club")
    shah = m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
    m.set_resource("lend_money", [mum, sam])
    m.set_resource("shopping", [])
    m.update("Sam", capital="bonding")
    return p, m, (mum.id, sam.id, shah.id)


def test_round_trip(location):
    with em.open_store(location) as s:
        p, m, (mum, sam, _) = _person(s)
        plain = p.new_map("Plain", date="2026-02-01")  # the default scheme
        want = m.to_dict()
    with em.open_store(location) as s:
        m = s.person("R-S1").map("Baseline")
        assert m.resource_scheme == custom_scheme()
        assert m.resources == {"lend_money": {mum, sam}, "shopping": frozenset()} and m.resource("job_advice") is None
        assert m.resources_of("Sam") == ("lend_money",)
        assert m.capital("Sam") == "bonding" and m.capital_source("Sam") == "person"
        assert m.capital("Mum") == "bonding" and m.capital("Dr Shah") == "linking"
        assert m.to_dict() == want
        assert s.person("R-S1").map("Plain").resource_scheme == em.resource_scheme(
            em.resource_schemes.DEFAULT_RESOURCES
        )
        maps = s.read_maps().set_index("map_label")
        assert em.ResourceScheme.from_dict(json.loads(maps.loc["Baseline", "resource_scheme"])) == custom_scheme()
        assert plain.id in set(maps["map_id"]) and pd.isna(maps.loc["Plain", "resource_scheme"])
    assert _resource_rows(location) == sorted(
        [(m.id, "lend_money", mum), (m.id, "lend_money", sam), (m.id, "shopping", "")]
    )


def _stored_schemes(location) -> dict[str, str | None]:
    """Each map's ``maps.resource_scheme`` cell by label, through a plain connection."""
    return dict(query(location, "SELECT label, resource_scheme FROM maps"))


def test_the_built_in_scheme_is_stored_as_null_and_read_back_as_itself(location):
    """egomap's own scheme costs no copy per map (NULL); a custom one is kept whole; replacing the default later changes neither."""
    builtin = em.resource_schemes.BUILTIN_RESOURCES
    with em.open_store(location) as s:
        p = s.add_person("R-N1", consent_research=True)
        plain = p.new_map("Plain", date="2026-01-12")
        plain.set_resource("crisis_call", [plain.add_alter("Mum", ring=0, sector="household")])
        p.new_map("Own", date="2026-02-12", resources=custom_scheme())
        p.new_map("Follow-up", date="2026-03-12", copy_from=plain)
    stored = _stored_schemes(location)
    assert stored["Plain"] is None and stored["Follow-up"] is None
    assert em.ResourceScheme.from_dict(json.loads(stored["Own"])) == custom_scheme()
    other = em.ResourceScheme(
        builtin.name, builtin.domains[:1], builtin.items_in(builtin.domain_keys[0]), title="shorter"
    )
    em.register_resource_scheme(other, replace=True)
    try:
        with em.open_store(location) as s:
            p = s.person("R-N1")
            assert p.map("Plain").resource_scheme == builtin and len(p.map("Follow-up").resource_scheme) == 20
            assert p.map("Own").resource_scheme == custom_scheme()
            row = em.cohort_measures(s).set_index("map_id").loc[p.map("Plain").id]
            assert row["resources_accessed"] == 1 and row["resources_emotional_support"] == 1
    finally:
        em.register_resource_scheme(builtin, replace=True)


def test_undo_redo_across_reconnect(location):
    with em.open_store(location) as s:
        _, m, (mum, sam, shah) = _person(s)
        m.set_resource("lend_money", [shah])
    with em.open_store(location) as s:
        m = s.person("R-S1").map("Baseline")
        assert m.resource("lend_money") == {shah}
        assert m.undo() == "record who could help with lend a small sum of money"
    with em.open_store(location) as s:
        m = s.person("R-S1").map("Baseline")
        assert m.resource("lend_money") == {mum, sam}
        assert m.redo() and m.resource("lend_money") == {shah}
        m.remove_alter("Dr Shah")  # the only one for lend_money: it becomes "no one"
    with em.open_store(location) as s:
        m = s.person("R-S1").map("Baseline")
        assert m.resource("lend_money") == frozenset()
        assert m.undo() == "remove Dr Shah"
    with em.open_store(location) as s:
        m = s.person("R-S1").map("Baseline")
        assert m.resource("lend_money") == {shah} and m.resources_of("Dr Shah") == ("lend_money",)
        m.set_resource("shopping", None)
    with em.open_store(location) as s:
        m = s.person("R-S1").map("Baseline")
        assert m.resource("shopping") is None
        m.undo()
    with em.open_store(location) as s:
        assert s.person("R-S1").map("Baseline").resource("shopping") == frozenset()


def test_merge_alter_moves_resources_and_undo_across_reconnect(location):
    with em.open_store(location) as s:
        p = s.add_person("R-S2")
        t1 = p.new_map("T1", date="2026-01-01", resources=custom_scheme())
        maya = t1.add_alter("Maya", ring=2, sector="friends")
        t2 = p.new_map("T2", date="2026-06-01", resources=custom_scheme())
        other = t2.add_alter("maya", ring=1, sector="friends")
        t2.set_resource("lend_money", [other])
        t2.set_resource("job_advice", [other])
        t2.merge_alter("maya", into=maya)
    with em.open_store(location) as s:
        t2 = s.person("R-S2").map("T2")
        assert t2.resources == {"lend_money": {maya.id}, "job_advice": {maya.id}}
        assert t2.undo() == "merge maya into Maya"
    with em.open_store(location) as s:
        t2 = s.person("R-S2").map("T2")
        assert t2.resources == {"lend_money": {other.id}, "job_advice": {other.id}}


def test_import_person_and_import_maps_keep_the_scheme_and_resources(location, tmp_path):
    p = em.Person("R-S3")
    m = p.new_map("Baseline", date="2026-01-12", resources=custom_scheme())
    mum = m.add_alter("Mum", ring=0, sector="household")
    m.set_resource("lend_money", [mum])
    m.set_resource("job_advice", [])
    later = em.Person("R-S3").new_map("Later", date="2026-06-01", resources=custom_scheme("other", extra=True))
    later.add_alter("Kim", ring=1, sector="friends")
    later.set_resource("fix_bike", [later.alter("Kim")])
    with em.open_store(location) as s:
        q = s.import_person(p)
        assert q.map("Baseline").to_dict() == m.to_dict()
        (got,) = s.import_maps("R-S3", [later])
        assert got.to_dict() == later.to_dict()
    with em.open_store(location) as s:
        maps = s.person("R-S3").maps
        assert [x.to_dict() for x in maps] == [m.to_dict(), later.to_dict()]


def test_bad_input_leaves_every_table_unchanged(location):
    with em.open_store(location) as s:
        p, m, (mum, _, _) = _person(s)
        stranger = s.add_person("R-S9").new_map("Baseline").add_alter("Stranger", ring=0, sector="friends")
        elsewhere = p.new_map("Other", resources=custom_scheme()).add_alter("Kim", ring=0, sector="friends")
        before = _everything(location)
        with pytest.raises(em.ValidationError, match="fly_a_plane"):
            m.set_resource("fly_a_plane", [mum])
        with pytest.raises(em.NotFoundError, match="Stranger"):
            m.set_resource("lend_money", [mum, stranger])
        with pytest.raises(em.NotFoundError, match="Kim"):
            m.set_resource("shopping", [elsewhere])
        with pytest.raises(em.NotFoundError):
            m.set_resource("shopping", [stranger.id])
        with pytest.raises(em.ValidationError, match="capital"):
            m.update("Mum", capital="golden")
        assert _everything(location) == before
        assert m.resource("lend_money") == {mum, m.alter("Sam").id}


def test_copy_forward_keeps_the_scheme_and_resources(location):
    with em.open_store(location) as s:
        p, m, (mum, sam, _) = _person(s)
        six = p.new_map("6 months", date="2026-07-01", copy_from=m)
        assert six.resources == m.resources
        other = p.new_map(
            "12 months", date="2027-01-01", copy_from=six, resources=em.resource_schemes.DEFAULT_RESOURCES
        )
        assert other.resources == {}  # the default scheme has none of the test items
    with em.open_store(location) as s:
        p = s.person("R-S1")
        six = p.map("6 months")
        assert six.resource_scheme == custom_scheme() and six.resources == {
            "lend_money": {mum, sam},
            "shopping": frozenset(),
        }
        assert six.capital("Sam") == "bonding" and not six.placement("Sam").reviewed
        assert p.map("12 months").resource_scheme.name == em.resource_schemes.DEFAULT_RESOURCES
        assert six.history()[0]["action"] == "create" and not six.can_undo


def test_removing_a_map_or_person_removes_their_resources(location):
    with em.open_store(location) as s:
        p, m, (mum, sam, _) = _person(s)
        gone = p.remove_map("Baseline")
        assert _resource_rows(location) == []
        back = p.restore_map(gone)
        assert back.resources == {"lend_money": {mum, sam}, "shopping": frozenset()}
        assert back.resource_scheme == custom_scheme()
        assert len(_resource_rows(location)) == 3
        s.delete_person("R-S1")
        assert _resource_rows(location) == []


def test_read_table_and_columns(location):
    with em.open_store(location) as s:
        _, m, (mum, sam, _) = _person(s)
        df = s.read_table("resources", ["map_id", "item", "alter_id"])
        assert sorted(map(tuple, df.values.tolist())) == sorted(
            [(m.id, "lend_money", mum), (m.id, "lend_money", sam), (m.id, "shopping", "")]
        )
        cols = s.read_columns("resources", ["item", "alter_id"], [m.id])
        assert sorted(zip(cols["item"].tolist(), cols["alter_id"].tolist())) == sorted(
            [(b"lend_money", mum.encode()), (b"lend_money", sam.encode()), (b"shopping", b"")]
        )
        assert s.count_rows("resources") == 3 and s.count_rows("resources", ["nothing"]) == 0
        assert s.read_table("resources", ["item"], ["nothing"]).empty
        # met_through_activity: whether met_through names an activity, as the default capital rule needs it
        pl = s.read_table("placements", ["alter_id", "met_through_activity", "sector"])
        assert dict(zip(pl["alter_id"], pl["met_through_activity"])) == {mum: 0, sam: 1, m.alter("Dr Shah").id: 0}
        arr = s.read_columns("placements", ["alter_id", "met_through_activity"])
        assert arr["met_through_activity"].dtype.kind == "i"
        assert dict(zip(arr["alter_id"].tolist(), arr["met_through_activity"].tolist()))[sam.encode()] == 1
        both = s.read_columns("placements", ["met_through", "met_through_activity"])
        assert sorted(zip(both["met_through"].tolist(), both["met_through_activity"].tolist())) == [
            (b"", 0),
            (b"", 0),
            (b"Tuesday football club", 1),
        ]
        with pytest.raises(em.NotFoundError, match="map_id, item and alter_id"):
            s.read_table("resources", ["map_id", "who"])
        with pytest.raises(em.ValidationError, match="unknown table"):
            s.read_table("nothing", ["map_id"])


def test_migration_from_a_version_4_sqlite_file(tmp_path):
    """A file of the previous schema version opens: maps get the default scheme, nothing asked; old undo still works."""
    assert SCHEMA_VERSION == 5
    path = tmp_path / "v4.sqlite"
    con = sqlite3.connect(path)
    con.executescript(_V4_FILE_SQL)
    assert "resources" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    with em.open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        m = s.person("R-V2").map("Baseline")
        assert m.resource_scheme.name == em.resource_schemes.DEFAULT_RESOURCES and m.resources == {}
        assert m.placement("Mum").capital is None and m.capital("Mum") == "bonding"
        assert m.capital("Dave") == "bridging"  # in 'friends' (four_quadrants), met through Community football
        item = m.resource_scheme.keys[0]
        m.set_resource(item, ["Dave"])
        assert m.undo().startswith("record who could help") and m.undo() == "move Mum"
    with em.open_store(path) as s:
        m = s.person("R-V2").map("Baseline")
        assert m.redo() == "move Mum" and m.redo().startswith("record who could help")
        assert m.resource(item) == {m.alter("Dave").id}
        assert s.read_maps()["resource_scheme"].tolist() == [None]
    assert {"capital"} <= columns_of(path, "placements") and "resource_scheme" in columns_of(path, "maps")
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def _as_version_4(url: str) -> None:
    """Make a PostgreSQL store look as an egomap of schema version 4 left it."""
    execute(
        url,
        "DROP TABLE resources CASCADE; ALTER TABLE maps DROP COLUMN resource_scheme CASCADE; "
        "ALTER TABLE placements DROP COLUMN capital CASCADE; "
        "UPDATE meta SET value = '4' WHERE key = 'schema_version'",
    )


def test_migration_from_version_4_on_postgresql(pg_cluster):
    url = pg_cluster.new_db()
    with em.open_store(url) as s:
        m = s.add_person("R-PG").new_map("Baseline")
        m.add_alter("Mum", ring=0, sector="household")
    _as_version_4(url)
    assert "resource_scheme" not in columns_of(url, "maps") and not columns_of(url, "resources")
    with em.open_store(url) as s:
        assert s.schema_version == SCHEMA_VERSION
        m = s.person("R-PG").map("Baseline")
        assert m.resource_scheme.name == em.resource_schemes.DEFAULT_RESOURCES and m.resources == {}
        m.set_resource(m.resource_scheme.keys[0], ["Mum"])
        m.update("Mum", capital="bridging")
    with em.open_store(url) as s:
        m = s.person("R-PG").map("Baseline")
        assert m.resource(m.resource_scheme.keys[0]) == {m.alter("Mum").id} and m.capital("Mum") == "bridging"


def test_migration_of_a_version_4_team_store_gives_researchers_the_new_views(pg_cluster):
    """A team store made by schema 4 (no resources, no capital, no activity flag): opened by the admin, it is
    upgraded and its research views made again, and a researcher reads capital as a practitioner's map gives it."""
    admin, urls = team_db(pg_cluster, pat="practitioner", ros="researcher")
    with em.open_store(urls["pat"]) as s:
        m = s.add_person("R-M4", consent_research=True).new_map("Baseline")
        m.add_alter("Jo", ring=2, sector="friends", met_through="the Tuesday football club")
        m.add_alter("Mum", ring=0, sector="household")
    _as_version_4(admin)
    execute(admin, "ALTER TABLE alters DROP COLUMN met_through_activity CASCADE")
    with em.open_store(admin) as s:
        assert s.schema_version == SCHEMA_VERSION
    with em.open_store(urls["ros"]) as r:
        m = r.person("R-M4").maps[0]
        assert sorted(m.capital(a) for a in m.alters) == ["bonding", "bridging"]
        assert sorted(r.read_table("placements", ["met_through_activity"])["met_through_activity"]) == [0, 1]


def test_copy_between_engines_keeps_resources_and_their_edit_log(tmp_path, pg_cluster):
    from egomap.store.postgres.copy import TABLES, copy_store

    assert "resources" in TABLES
    src = tmp_path / "src.sqlite"
    with em.open_store(src) as s:
        _, m, (mum, sam, _) = _person(s)
        want = m.to_dict()
    url = pg_cluster.new_db()
    done = copy_store(src, url, report=None)
    assert done["resources"][0] == 3
    back = tmp_path / "back.sqlite"
    copy_store(url, back, report=None)
    for where in (url, back):
        with em.open_store(where) as s:
            m = s.person("R-S1").map("Baseline")
            assert m.to_dict() == want
            assert m.undo() == "edit Sam"  # the capital; then the resources, from the copied log
            assert m.undo() == "record who could help with do the shopping" and m.resource("shopping") is None
            assert m.undo() and m.resource("lend_money") is None


@pytest.fixture(scope="module")
def team_store(pg_cluster):
    """A team store: practitioners pia and bo, researcher rex; pia's R-T1 consents, R-T2 does not; bo has R-T3."""
    admin, urls = team_db(pg_cluster, pia="practitioner", bo="practitioner", rex="researcher")
    with em.open_store(urls["pia"]) as s:
        _, m1, ids = _person(s, "R-T1", consent_research=True)
        m1.add_alter("Jo", ring=2, sector="friends", met_through="art classes")  # bridging by the default rule
        _, m2, _ = _person(s, "R-T2")
    with em.open_store(urls["bo"]) as s:
        _, m3, _ = _person(s, "R-T3", consent_research=True)
    return {"admin": admin, **urls, "maps": (m1.id, m2.id, m3.id), "ids": ids}


def test_a_practitioner_cannot_read_or_write_anothers_resources(team_store):
    m1, _, m3 = team_store["maps"]
    before = _resource_rows(team_store["admin"])
    psycopg = pytest.importorskip("psycopg")
    with em.open_store(team_store["pia"]) as s:
        c = s._conn
        assert c.execute("SELECT count(*) FROM egomap.resources WHERE map_id = %s", (m3,)).fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM egomap.resources WHERE map_id = %s", (m1,)).fetchone()[0] == 3
        assert c.execute("DELETE FROM egomap.resources WHERE map_id = %s", (m3,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("INSERT INTO egomap.resources (map_id, item, alter_id) VALUES (%s, 'x', '')", (m3,))
        with pytest.raises(em.NotFoundError):
            s.map(m3)
    assert _resource_rows(team_store["admin"]) == before


def test_the_views_activity_flag_follows_each_edit_and_cannot_be_written_by_hand(team_store):
    """The research views take "met_through names an activity" from a flag a trigger keeps on each alter."""
    m1 = team_store["maps"][0]

    def flags() -> list[int]:
        with em.open_store(team_store["rex"]) as r:
            pl = r.read_table("placements", ["map_id", "met_through_activity"])
            return sorted(pl.loc[pl["map_id"] == m1, "met_through_activity"])

    assert flags() == [0, 0, 1, 1]
    with em.open_store(team_store["pia"]) as s:
        m = s.map(m1)
        jo = m.alter("Jo").id
        try:
            m.update("Jo", met_through="my sister")
            assert flags() == [0, 0, 0, 1]
            s._conn.execute("UPDATE egomap.alters SET met_through_activity = true WHERE id = %s", (jo,))
            assert flags() == [0, 0, 0, 1]  # the trigger writes what the text says, whatever was sent
        finally:
            m.update("Jo", met_through="art classes")
    assert flags() == [0, 0, 1, 1]


def test_a_researcher_reads_consenting_persons_resources_pseudonymised_and_writes_nothing(team_store):
    m1, m2, m3 = team_store["maps"]
    mum, sam, shah = team_store["ids"]
    before = _resource_rows(team_store["admin"])
    psycopg = pytest.importorskip("psycopg")
    with em.open_store(team_store["rex"]) as r:
        df = r.read_table("resources", ["map_id", "item", "alter_id"])
        assert set(df["map_id"]) == {m1, m3}  # R-T2 did not consent
        assert not set(df["alter_id"]) & {mum, sam, shah}  # alters by code
        assert sorted(df.loc[df["map_id"] == m1, "item"]) == ["lend_money", "lend_money", "shopping"]
        assert df.loc[(df["map_id"] == m1) & (df["item"] == "shopping"), "alter_id"].tolist() == [""]
        pl = r.read_table("placements", ["map_id", "alter_id", "met_through_activity"])
        codes = set(df.loc[df["map_id"] == m1, "alter_id"]) - {""}
        assert codes <= set(pl["alter_id"])  # the same codes as the placements
        assert sorted(pl.loc[pl["map_id"] == m1, "met_through_activity"]) == [0, 0, 1, 1]
        arr = r.read_columns("placements", ["met_through_activity"], [m1])
        assert sorted(arr["met_through_activity"].tolist()) == [0, 0, 1, 1]
        m = r.person("R-T1").maps[0]
        assert m.resource_scheme == custom_scheme()
        # the capital of each alter as the practitioner's map gives it, although met_through is a code here
        with em.open_store(team_store["pia"]) as s:
            own = s.map(m1)
            want = sorted((own.placement(a).ring, own.capital(a), own.capital_source(a)) for a in own.alters)
        assert sorted((m.placement(a).ring, m.capital(a), m.capital_source(a)) for a in m.alters) == want
        assert ("bridging", "default") in {(m.capital(a), m.capital_source(a)) for a in m.alters}
        assert {k: len(v) for k, v in m.resources.items()} == {"lend_money": 2, "shopping": 0}
        assert m.resources["lend_money"] <= set(m.placements)
        c = r._conn
        for sql in (
            "SELECT * FROM egomap.resources",
            f"INSERT INTO egomap.resources (map_id, item, alter_id) VALUES ('{m1}', 'x', '')",
            f"DELETE FROM egomap.resources WHERE map_id = '{m1}'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                c.execute(sql)
        refused = (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectNotInPrerequisiteState)
        with pytest.raises(refused):  # a view of a join: not writable at all
            c.execute(f"INSERT INTO egomap.research_resources (map_id, item, alter_id) VALUES ('{m1}', 'x', '')")
        assert c.execute("SELECT count(*) FROM egomap.research_resources WHERE map_id = %s", (m2,)).fetchone()[0] == 0
        with pytest.raises(em.StoreError):
            m.set_resource("shopping", [m.alters[0]])
    assert _resource_rows(team_store["admin"]) == before
