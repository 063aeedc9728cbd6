"""bench/scale.py: the steps it accepts, the sample it draws queries from, and one index grown on the real
test Elasticsearch node (no timings asserted: only counts, sizes and that the queries find their records)."""
from __future__ import annotations

import json
import os

import pytest

from bench import scale


def test_steps_parse_counts_and_suffixes() -> None:
    assert scale.parse_steps("1000, 2k,1M,1_500_000") == [1000, 2000, 1_000_000, 1_500_000]


@pytest.mark.parametrize("text", ["", "2000,1000", "1000,1000", "0", "abc", "1M,x"])
def test_steps_refused_with_a_vietnamese_message(text: str) -> None:
    with pytest.raises(ValueError, match="bước"):
        scale.parse_steps(text)


def test_cli_refuses_bad_steps_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        scale.main(["--steps", "5M,1M"])
    assert "tăng dần" in str(exc.value)


def test_sample_is_bounded_and_drawn_from_what_was_taken() -> None:
    stream = scale.Sampled(iter(range(1000)), seed=1, size=50)
    first = list(stream.take(30))
    assert first == list(range(30)) and stream.sample == first
    rest = list(stream.take(500))
    assert rest == list(range(30, 530))
    assert len(stream.sample) == 50 and set(stream.sample) <= set(range(530))
    assert max(stream.sample) >= 50  # later records replace early ones: the sample spans what was indexed


def test_cpu_of_a_process_grows_with_its_work() -> None:
    before = scale.cpu_s(os.getpid())
    sum(i * i for i in range(2_000_000))
    assert scale.cpu_s(os.getpid()) > before


def test_grow_three_steps_on_the_test_node(es_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import bench.search
    from index.es_index import ElasticIndex

    monkeypatch.setattr(bench.search, "QUERIES_PER_KIND", 10)  # the figures are not under test, only that they come
    base = ElasticIndex.from_url(es_url, timeout_s=120)
    ix = ElasticIndex(base.client, base.alias, replicas=0)
    steps: list[dict] = []
    results = scale.grow(ix, [150, 300, 450], seed=3, nice=False, report=steps.append)
    assert results == steps and [r["records"] for r in results] == [150, 300, 450]
    assert [r["added"] for r in results] == [150, 150, 150]
    sizes = [sum(s["bytes"] for s in r["shards"]) for r in results]
    assert sizes[0] > 0 and sizes == sorted(set(sizes))
    assert [sum(s["docs"] for s in r["shards"]) for r in results] == [150, 300, 450]
    for r in results:
        assert set(r["kinds"]) == {"name + birth year", "fuzzy name (no diacritics, 1 typo)", "ID number",
                                   "fielded (father + type)"}
        assert all(m["found"] == 1 for m in r["kinds"].values())
        assert r["heap"] > 0 and not r["kinds"]["ID number"]["node cpu"] < 0  # NaN where the node runs elsewhere
    rendered = scale.index_rows(results)
    assert [row[0] for row in rendered] == ["150", "300", "450"]
    assert len(scale.query_rows(results)) == 12
    assert dict(scale.ratios(results))["records"] == "3.00×"
    saved = tmp_path / "steps.jsonl"
    saved.write_text("".join(json.dumps(r) + "\n" for r in results))
    scale.main(["--render", str(saved)])
    out = capsys.readouterr().out
    assert "one index grown through 3 steps" in out and "| 450 " in out and "3.00×" in out


def test_an_index_kept_is_merged_and_measured(es_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.search
    from index.es_index import ElasticIndex

    monkeypatch.setattr(bench.search, "QUERIES_PER_KIND", 10)
    base = ElasticIndex.from_url(es_url, timeout_s=120)
    ix = ElasticIndex(base.client, base.alias, replicas=0)
    scale.grow(ix, [100, 200], seed=4, nice=False)
    got = scale.existing(ix, seed=4, sample_of=100, nice=False, forcemerge=True)
    assert got["merged"] and got["records"] == 200
    assert [s["segments"] for s in got["shards"]] == [1] and got["shards"][0]["docs"] == 200
    assert all(m["found"] == 1 for m in got["kinds"].values())
    assert scale.index_rows([got])[0][0] == "200 (1 segment)" and scale.ratios([got]) == []


def test_rounds_are_reported_by_each_measures_median() -> None:
    from bench.search import _median

    rounds = [{"rate": {"wall": 9000, "cpu": 4000}, "kinds": {"ID number": {"p95": 0.7, "found": 1.0}}},
              {"rate": {"wall": 6000, "cpu": 4600}, "kinds": {"ID number": {"p95": 0.4, "found": 1.0}}},
              {"rate": {"wall": 7000, "cpu": 3900}, "kinds": {"ID number": {"p95": 0.5, "found": 0.5}}}]
    assert _median(rounds) == {"rate": {"wall": 7000, "cpu": 4000}, "kinds": {"ID number": {"p95": 0.5, "found": 1.0}}}
