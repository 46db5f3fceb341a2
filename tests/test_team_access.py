"""Who sees what on a team store, decided by PostgreSQL (row-level security and grants), tried through the API and raw SQL.

Every check connects as the practitioner's, lead's or researcher's own login
role (row-level security does not apply to the superuser or the tables' owner).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import egomap as em

sys.path.insert(0, str(Path(__file__).parent))
from pg import rows_of, team_db  # noqa: E402

psycopg = pytest.importorskip("psycopg")
team = pytest.importorskip("egomap.store.postgres.team")


@pytest.fixture(scope="module")
def t(pg_cluster):
    """A team store: practitioners alice and bob, lead lena, researcher rita; alice has R-A1 (consenting) and R-A2."""
    admin, urls = team_db(pg_cluster, alice="practitioner", bob="practitioner", lena="lead", rita="researcher")
    with em.open_store(urls["alice"]) as a:
        m = a.add_person("R-A1", "Alex Smith", consent_research=True).new_map("Visit at home", date="2026-01-12")
        m.add_alter("Mum", ring=0, sector="household", relationship="mother", note="worried about money")
        m.add_alter("Gran", ring=1, sector="family", relationship="Grandmother ")
        m.add_alter("Dave", ring=2, sector="clubs_groups", relationship="grandmother", met_through="Tuesday football")
        m.add_tie("Mum", "Gran")
        a.add_person("R-A2", "Sam Jones").new_map("Baseline").add_alter("Kim", ring=0, sector="friends")
    with em.open_store(urls["bob"]) as b:
        bm = b.add_person("R-B1", "Bo Berg", consent_research=True).new_map("Baseline")
        bm.add_alter("Lee", ring=0, sector="household", note="private")
    return {"admin": admin, **urls, "bob_map": bm.id}


def test_practitioners_see_only_their_caseload(t):
    with em.open_store(t["alice"]) as a, em.open_store(t["bob"]) as b, em.open_store(t["lena"]) as lead:
        assert a.person_ids() == ["R-A1", "R-A2"]
        assert b.person_ids() == ["R-B1"]
        assert lead.person_ids() == ["R-A1", "R-A2", "R-B1"]
        assert a.info()["persons"] == 2 and a.info()["maps"] == 2
        assert team.caseload(t["alice"]) == [("R-A1", "alice"), ("R-A2", "alice")]  # added by alice: on her caseload


def test_practitioner_cannot_read_or_change_another_practitioners_person(t):
    before = rows_of(t["admin"])
    with em.open_store(t["alice"]) as a:
        # through the API: the person and the map are not there for alice
        with pytest.raises(em.NotFoundError, match="no person 'R-B1'"):
            a.person("R-B1")
        with pytest.raises(em.NotFoundError):
            a.map(t["bob_map"])
        with pytest.raises(em.NotFoundError):
            a.delete_person("R-B1")
        # through raw SQL on the store's own connection: the database shows and changes nothing of bob's
        c = a._conn
        assert c.execute("SELECT count(*) FROM egomap.persons WHERE id = 'R-B1'").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM egomap.placements WHERE map_id = %s", (t["bob_map"],)).fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM egomap.edits WHERE map_id = %s", (t["bob_map"],)).fetchone()[0] == 0
        assert {r[0] for r in c.execute("SELECT person_id FROM egomap.alters")} == {"R-A1", "R-A2"}
        assert c.execute("UPDATE egomap.placements SET note = 'x' WHERE map_id = %s", (t["bob_map"],)).rowcount == 0
        assert c.execute("UPDATE egomap.persons SET display_name = 'x' WHERE id = 'R-B1'").rowcount == 0
        assert c.execute("DELETE FROM egomap.maps WHERE id = %s", (t["bob_map"],)).rowcount == 0
        # the pseudonyms researchers see are made by the database: writing one's own is undone at once
        assert c.execute("UPDATE egomap.alters SET code = 'forged', relationship_code = 'x'").rowcount == 4
        assert c.execute("SELECT count(*) FROM egomap.alters WHERE code = 'forged'").fetchone()[0] == 0
        refused = [
            # putting oneself on another's person's caseload
            "INSERT INTO egomap.caseload VALUES ('R-B1', 'alice')",
            # writing into another's map
            "INSERT INTO egomap.ties (map_id, a, b) VALUES ('{m}', 'x', 'y')",
            "INSERT INTO egomap.edits (map_id, time, action, edit) VALUES ('{m}', 'now', 'edit', '{{}}')",
            # the edit log only grows; the policies are the admin's; no becoming someone else
            "DELETE FROM egomap.edits",
            "ALTER TABLE egomap.persons DISABLE ROW LEVEL SECURITY",
            "DROP POLICY staff ON egomap.persons",
            "SET ROLE bob",
            "SET ROLE egomap_lead",
            "SELECT value FROM egomap.secret",
        ]
        for sql in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                c.execute(sql.format(m=t["bob_map"]))
    assert rows_of(t["admin"]) == before  # nothing of anyone's changed


def test_lead_sees_everyone_and_reassigns(pg_cluster, t):
    admin = pg_cluster.new_db()
    db = admin.rsplit("/", 1)[1]
    team.init(admin)
    urls = {n: pg_cluster.url(db, n) for n in ("alice", "bob", "lena")}
    with em.open_store(urls["bob"]) as b:
        b.add_person("R-9").new_map("Baseline").add_alter("Jo", ring=0, sector="friends")
    with pytest.raises(em.SaveError, match="refused"):  # a practitioner may not reassign
        team.assign(urls["bob"], "R-9", "alice", replace=True)
    team.assign(urls["lena"], "R-9", "alice", replace=True)
    with em.open_store(urls["alice"]) as a, em.open_store(urls["bob"]) as b:
        assert a.person_ids() == ["R-9"] and b.person_ids() == []
        a.person("R-9").map("Baseline").move("Jo", ring=2)
    team.assign(urls["lena"], "R-9", "bob")  # on two caseloads
    with em.open_store(urls["bob"]) as b:
        assert b.person("R-9").map("Baseline").placement("Jo").ring == 2
    with pytest.raises(em.NotFoundError, match="not a practitioner"):
        team.assign(urls["lena"], "R-9", "rita")
    with pytest.raises(em.NotFoundError, match="no person"):
        team.assign(urls["lena"], "R-404", "bob")


def test_researcher_reads_only_consenting_persons_pseudonymised_and_writes_nothing(t):
    before = rows_of(t["admin"])
    with em.open_store(t["rita"]) as r:
        assert r.person_ids() == ["R-A1", "R-B1"]  # R-A2 did not consent
        maps = r.read_maps()
        assert sorted(maps["person_id"]) == ["R-A1", "R-B1"] and maps["consent_research"].all()
        assert "Visit at home" not in set(maps["map_label"])  # map labels are identifying: T1, T2, ... instead
        pl = r.read_table("placements", ["map_id", "alter_id", "ring", "kind", "relationship"])
        assert len(pl) == 4
        text = repr(pl.values.tolist())
        for secret in ("Mum", "Gran", "mother", "grandmother", "Tuesday"):
            assert secret.lower() not in text.lower()
        with em.open_store(t["admin"]) as full:
            real = set(full.read_table("placements", ["alter_id"])["alter_id"])
        assert not set(pl["alter_id"]) & real  # alters by pseudonymous id
        a1 = maps.loc[maps["person_id"] == "R-A1", "map_id"].item()
        rel = pl[pl["map_id"] == a1].set_index("ring")["relationship"]  # "Grandmother " and "grandmother" are one code
        assert rel[1] == rel[2] != rel[0] != ""
        for col in ("label", "note"):  # relationship and met_through come as codes (above), never as text
            with pytest.raises(em.StoreError):
                r.read_table("placements", ["map_id", col])
        c = r._conn
        for sql in (
            "SELECT display_name FROM egomap.persons",
            "SELECT note FROM egomap.placements",
            "SELECT label FROM egomap.alters",
            "SELECT notes FROM egomap.maps",
            "SELECT edit FROM egomap.edits",
            "SELECT text FROM egomap.goals",
            "SELECT * FROM egomap.caseload",
            "INSERT INTO egomap.persons (id, created) VALUES ('R-X', 'now')",
            "UPDATE egomap.persons SET consent_research = 1",
            "DELETE FROM egomap.placements",
            "INSERT INTO egomap.meta VALUES ('x', 'y')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                c.execute(sql)
        views = c.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'egomap' "
            "AND table_name LIKE 'research_%'"
        ).fetchall()
        names = {v[0] for v in views}
        assert not names & {"display_name", "note", "notes", "text", "steps"}
        assert set(maps["map_label"]) == {"T1"}
        assert not any(v.startswith("R-A2") for v in r.person_ids())
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("INSERT INTO egomap.research_persons (id) VALUES ('R-X')")
        with pytest.raises(em.StoreError):
            r.add_person("R-X")
        # whole maps, as the views show them (what the research exports walk): no name, note or free text
        p = r.person("R-A1")
        assert p.display_name is None and [m.label for m in p.maps] == ["T1"]
        m = p.maps[0]
        assert len(m) == 3
        assert sorted(a.label for a in m.alters) == sorted(a.id for a in m.alters)  # alters by code
        plain = repr(m.to_dict()) + repr(p.to_dict())
        # ("worried about", the note: the default resource scheme's own prompts say "worried or low")
        for secret in ("Alex", "Mum", "Gran", "mother", "worried about", "Tuesday", "Visit at home"):
            assert secret.lower() not in plain.lower(), secret
        assert len(m.ties) == 1 and m.history() == [] and not m.can_undo
        with pytest.raises(em.StoreError):
            m.move(m.alters[0], ring=2)
        with pytest.raises(em.NotFoundError):
            r.person("R-A2")  # did not consent
    assert rows_of(t["admin"]) == before


def _resources_and_capital(store: em.Store) -> None:
    """Seeded resources (asked, no one, not asked) and some capital types recorded, on every map of a store."""
    import random

    rng = random.Random(17)
    with store.batch():
        for p in store.people():
            for m in p.maps:
                ids = [a.id for a in m.alters]
                if not ids or rng.random() < 0.2:
                    continue  # nothing asked on this map
                for item in m.resource_scheme.keys:
                    r = rng.random()
                    if r < 0.15:
                        m.set_resource(item, [])
                    elif r < 0.7:
                        m.set_resource(item, rng.sample(ids, rng.randint(1, min(3, len(ids)))))
                for aid in ids:
                    if rng.random() < 0.15:
                        m.update(aid, capital=rng.choice(["bonding", "bridging", "linking"]))


def test_cohort_measures_through_the_views_equal_the_full_data_for_consenting_persons(pg_cluster, t, tmp_path):
    admin = pg_cluster.new_db()
    db = admin.rsplit("/", 1)[1]
    team.init(admin)
    with em.open_store(pg_cluster.url(db, "alice")) as a:
        em.demo.synthetic_cohort(a, n=12, k=2, seed=3, consent_rate=0.6)
        _resources_and_capital(a)
    with em.open_store(admin) as full, em.open_store(pg_cluster.url(db, "rita")) as r:
        consenting = [p.id for p in full.people() if p.consent_research]
        assert 0 < len(consenting) < 12
        want = em.cohort_measures(full)
        want = want[want["person_id"].isin(consenting)].reset_index(drop=True)
        got = em.cohort_measures(r)
        assert list(got["person_id"]) == list(want["person_id"])
        numeric = [c for c in want.columns if c not in ("map_id", "map_label") and want[c].dtype.kind in "fiub"]
        assert len(numeric) > 20
        # social capital: the researcher's capital comes from met_through_activity (the text is hidden)
        capital = ["resources_asked", "resources_accessed", "resources_skills", "resource_diversity", "n_resourceful",
                   "n_bonding", "n_bridging", "n_linking", "share_bridging"]  # fmt: skip
        assert set(capital) <= set(numeric)
        assert want["n_bridging"].gt(0).any() and want["n_resourceful"].gt(0).any()
        assert want["resources_accessed"].isna().any() and want["resources_accessed"].notna().any()
        import pandas as pd

        pd.testing.assert_frame_equal(got[numeric], want[numeric])
        for pid in consenting[:3]:  # a researcher's map in memory: the same measures (met_through hidden there too)
            for seen, whole in zip(r.person(pid).maps, full.person(pid).maps):
                pd.testing.assert_series_equal(
                    em.measures(seen)[capital], em.measures(whole)[capital], check_names=False
                )
        changes = em.cohort_changes(full)
        changes = changes[changes["person_id"].isin(consenting)].reset_index(drop=True)
        change_cols = [c for c in changes.columns if changes[c].dtype.kind == "f"]
        assert {"n_new_bridging", "d_resources_accessed", "d_n_bridging"} <= set(change_cols)
        pd.testing.assert_frame_equal(em.cohort_changes(r)[change_cols], changes[change_cols])
        one = em.cohort_measures(r, persons=[consenting[0]])  # some maps only
        mine = want[want["person_id"] == consenting[0]].reset_index(drop=True)
        pd.testing.assert_frame_equal(one[numeric], mine[numeric])
        # and the same as on SQLite: the whole store copied into a file gives the same table
        from egomap.store.postgres.copy import copy_store

        copy_store(admin, tmp_path / "copy.sqlite", report=None)
        with em.open_store(tmp_path / "copy.sqlite") as lite:
            on_file = em.cohort_measures(lite)
        pd.testing.assert_frame_equal(em.cohort_measures(full)[numeric], on_file[numeric])


def test_team_commands(pg_cluster, capsys):
    from egomap.cli import main

    admin = pg_cluster.new_db()
    db = admin.rsplit("/", 1)[1]
    assert main(["team", "init", admin]) == 0
    assert main(["team", "add-practitioner", "carol", "--store", admin]) == 0
    assert main(["team", "add-researcher", "rhys", "--store", admin]) == 0
    with em.open_store(admin) as s:
        s.add_person("R-C1", consent_research=True).new_map("Baseline").add_alter("Ann", ring=0, sector="friends")
    assert main(["team", "assign", "R-C1", "carol", "--store", admin]) == 0
    with em.open_store(pg_cluster.url(db, "carol")) as c, em.open_store(pg_cluster.url(db, "rhys")) as r:
        assert c.person_ids() == ["R-C1"] and c.person("R-C1").map("Baseline").alters[0].label == "Ann"
        assert r.person_ids() == ["R-C1"] and r.person_ids() == c.person_ids()
    assert main(["team", "assign", "R-C1", "rhys", "--store", admin]) == 2  # not a practitioner
    assert main(["team", "add-practitioner", "Robert'); DROP TABLE x; --", "--store", admin]) == 2
    assert main(["team", "init", "study.sqlite"]) == 2
    err = capsys.readouterr().err
    assert "not a practitioner" in err and "database role name" in err and "PostgreSQL store" in err


def test_research_exports_through_the_views_equal_the_full_data_for_consenting_persons(pg_cluster, t, tmp_path):
    admin = pg_cluster.new_db()
    db = admin.rsplit("/", 1)[1]
    team.init(admin)
    with em.open_store(pg_cluster.url(db, "alice")) as a:
        em.demo.synthetic_cohort(a, n=6, k=2, seed=11, consent_rate=0.6)
    with em.open_store(admin) as full, em.open_store(pg_cluster.url(db, "rita")) as r:
        assert len(r.person_ids()) < len(full.person_ids())
        for fmt, export in (("egor", em.io.export_egor), ("graphml", em.io.export_graphml)):
            want = export(full, tmp_path / f"full-{fmt}")  # pseudonymised, consenting persons only (the defaults)
            got = export(r, tmp_path / f"views-{fmt}")
            files = sorted(map(Path, want.values() if isinstance(want, dict) else want))
            others = sorted(map(Path, got.values() if isinstance(got, dict) else got))
            assert len(files) == len(others) > 0
            for w, g in zip(files, others):
                assert w.name == g.name and w.read_bytes() == g.read_bytes(), (fmt, w.name)
