"""Search in the built site, in Chromium: the reader's language, what readers type, ranking.

The engine is docs/assets/search_worker.js (README.md, "Search"). Three levels:

- typed: queries typed into Material's search box as a reader does (fill, then a key-up),
  each with the rank its page must reach; the mixed Chinese/Latin queries, exact title
  terms and colloquial variants that returned nothing or the wrong page before the
  worker segmented queries the way it segments pages;
- the benchmark: every query of scripts/data/search_queries.yml sent to the site's own
  search worker (the file and the index the pages load), with the targets the benchmark
  reports against (top-3 hit rate and MRR@10 per language; no empty result; a question
  page, never a topic index, the glossary or the report, first);
- segmentation and coverage: the worker's segmenter on mixed text, and a benchmark query
  for every question page.

Latency is measured by scripts/search_benchmark.py, not here (a shared CI machine is
no place for timing assertions).
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import content
import pytest
import search_benchmark

# Searches as readers type them: the query, the page(s) that answer it, and the rank the
# first of them must reach.
SEARCHES = {
    "zh": [
        ("过拟合", ["training/overfitting"], 1),
        ("怎么防止过拟合", ["training/overfitting"], 1),
        ("召回率", ["evaluation/classification_metrics"], 1),
        ("精确率和召回率的区别", ["evaluation/classification_metrics"], 1),
        ("数据并行训练", ["distributed/distributed_data_parallel"], 1),
        ("DistributedDataParallel", ["distributed/distributed_data_parallel"], 1),
        # Chinese with a Latin term
        ("loss不下降", ["mlops/training_debugging", "training/convergence_speed"], 2),
        ("AUC怎么算", ["evaluation/classification_metrics"], 1),
        ("F1分数", ["evaluation/classification_metrics"], 1),
        ("int8量化", ["deployment/model_compression", "deployment/inference_optimization"], 2),
        ("onnx导出", ["deployment/model_deployment", "deployment/inference_optimization"], 2),
        ("bf16和fp16的区别", ["training/training_stability", "efficiency/training_speed"], 2),
        ("all-reduce原理", ["distributed/gradient_synchronization"], 1),
        # the terms of a page's title
        ("差分隐私", ["security/data_privacy"], 1),
        ("学习率调度", ["training/convergence_speed"], 1),
        ("模型可解释性", ["interpretability/model_interpretability"], 1),
        ("如何解释模型的预测结果", ["interpretability/model_interpretability"], 1),
        (
            "分布式训练",
            ["distributed/distributed_data_parallel", "distributed/parallelism_strategies"],
            2,
        ),
        (
            "多卡训练",
            ["distributed/distributed_data_parallel", "distributed/parallelism_strategies"],
            2,
        ),
        ("模型训练太慢怎么办", ["efficiency/training_speed"], 1),
        ("样本不平衡", ["data/imbalanced_data"], 1),
        # colloquial variants (scripts/data/search_synonyms.yml)
        ("不均衡数据怎么处理", ["data/imbalanced_data"], 1),
        ("显存爆了", ["efficiency/memory_and_resources", "training/common_training_problems"], 2),
        ("模型怎么上线", ["deployment/model_deployment"], 2),
        ("训练挂了怎么恢复", ["mlops/crash_recovery"], 1),
    ],
    "en": [
        ("overfitting", ["training/overfitting"], 1),
        ("how do I stop overfitting", ["training/overfitting"], 1),
        ("precision recall", ["evaluation/classification_metrics"], 1),
        ("ROC-AUC", ["evaluation/classification_metrics"], 1),
        ("data parallel training", ["distributed/distributed_data_parallel"], 1),
        (
            "CUDA out of memory",
            ["efficiency/memory_and_resources", "training/common_training_problems"],
            2,
        ),
        (
            "multi gpu training",
            ["distributed/distributed_data_parallel", "distributed/parallelism_strategies"],
            2,
        ),
        ("how to calculate auc", ["evaluation/classification_metrics"], 1),
    ],
}


def _stable_results(page, timeout: float = 10.0) -> list[str]:
    """Result paths, read once the list has stopped changing (the worker answers async)."""
    links = page.locator(".md-search-result__item a.md-search-result__link:first-child")
    links.first.wait_for(timeout=timeout * 1000)
    previous, deadline = None, time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = [urlparse(a.get_attribute("href")).path for a in links.all()]
        if current and current == previous:
            return current
        previous = current
        page.wait_for_timeout(250)
    return previous or []


# Typed into Material's search box, as a reader does: the interface path (the box, the
# key-up, the result list, the reader's language). A fixed few, whatever the bank's size:
# the ranking of every query above is checked through the worker below, in one page.
TYPED = {
    "zh": ["怎么防止过拟合", "loss不下降", "显存爆了"],
    "en": ["how do I stop overfitting", "CUDA out of memory"],
}


def _case(lang: str, query: str) -> tuple[list[str], int]:
    return next((e, r) for q, e, r in SEARCHES[lang] if q == query)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "query"),
    [pytest.param(lang, q, id=f"{lang}:{q}") for lang, queries in TYPED.items() for q in queries],
)
def test_search_box_finds_the_question_in_the_readers_language(page, site_url, lang, query):
    expected, rank = _case(lang, query)
    home = f"{site_url}/{content.site_prefix(lang)}"
    page.goto(home)
    page.click("input.md-search__input")
    page.fill("input.md-search__input", query)  # the whole query at once: one search
    page.keyboard.press("End")  # Material searches on key-up events
    results = _stable_results(page)
    assert results, f"[{lang}] {query!r}: no results"
    wanted = [f"/{content.site_prefix(lang)}{e}/" for e in expected]
    assert any(r in wanted for r in results[:rank]), (
        f"[{lang}] {query!r}: expected {wanted[0]} in the first {rank}; got {results[:5]}"
    )
    if lang != content.DEFAULT_LANG:
        assert all(r.startswith(f"/{lang}/") for r in results), f"other-language results: {results}"
    else:
        others = tuple(f"/{other}/" for other in content.LANGS if other != lang)
        assert not any(r.startswith(others) for r in results), f"other-language results: {results}"
    assert page.requested_hosts <= {"127.0.0.1"}, f"requests left the site: {page.requested_hosts}"


# Every query sent to the site's own worker, as Material's page script sends it.
_RUN_WORKER = """async (queries) => {
  const app = JSON.parse(document.getElementById("__config").textContent);
  const base = new URL(app.base, location.href);
  const index = await (await fetch(new URL("search/search_index.json", base + "/"))).json();
  const worker = new Worker(new URL(app.search, location.href));
  const call = message => new Promise(resolve => {
    worker.onmessage = event => resolve(event.data);
    worker.postMessage(message);
  });
  await call({type: 0, data: {...index, options: {suggest: false}}});
  const others = new Set(index.docs.filter(d => d.kind === "other").map(d => d.location));
  const out = [];
  for (const query of queries) {
    const {data} = await call({type: 2, data: query});
    const pages = data.items.map(group => group[0].location);
    out.push({pages, otherFirst: pages.length > 0 && others.has(pages[0])});
  }
  worker.terminate();
  return out;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", content.LANGS)
def test_each_listed_search_ranks_its_page(page, site_url, lang):
    """Every query of SEARCHES, through the site's worker: the answering page reaches its rank."""
    page.goto(f"{site_url}/{content.site_prefix(lang)}")
    answers = page.evaluate(_RUN_WORKER, [q for q, _, _ in SEARCHES[lang]])
    misses = []
    for (query, expected, rank), answer in zip(SEARCHES[lang], answers, strict=True):
        results = [p.strip("/") for p in answer["pages"]]
        if not any(r in expected for r in results[:rank]):
            misses.append(
                f"{query!r}: expected {expected[0]} in the first {rank}; got {results[:5]}"
            )
    assert not misses, f"[{lang}] " + "\n".join(misses)
    assert page.requested_hosts <= {"127.0.0.1"}, f"requests left the site: {page.requested_hosts}"


@pytest.mark.browser
@pytest.mark.parametrize("lang", content.LANGS)
def test_the_benchmark_queries_meet_the_targets(page, site_url, lang):
    queries = search_benchmark.load_queries(lang)
    page.goto(f"{site_url}/{content.site_prefix(lang)}")
    answers = page.evaluate(_RUN_WORKER, [q.text for q in queries])
    outcomes = [
        search_benchmark.Outcome(q, [p.strip("/") for p in a["pages"]], 0.0, 0.0)
        for q, a in zip(queries, answers, strict=True)
    ]
    summary = search_benchmark.summarize(outcomes)
    misses = [
        f"{o.query.text!r} -> {o.query.pages[0]} (rank {o.rank}; got {o.results[:3]})"
        for o in outcomes
        if o.rank is None or o.rank > 3
    ]
    assert not summary.empty, f"[{lang}] queries with no result: {summary.empty}"
    assert summary.top3 >= search_benchmark.TARGETS["top3"], (
        f"[{lang}] top-3 hit rate {summary.top3:.1%} < {search_benchmark.TARGETS['top3']:.0%}; "
        "missed:\n" + "\n".join(misses)
    )
    assert summary.mrr >= search_benchmark.TARGETS["mrr"], f"[{lang}] MRR@10 {summary.mrr:.3f}"
    other_first = [q.text for q, a in zip(queries, answers, strict=True) if a["otherFirst"]]
    assert not other_first, f"[{lang}] a page that is not a question ranks first: {other_first}"
    assert page.requested_hosts <= {"127.0.0.1"}, f"requests left the site: {page.requested_hosts}"


@pytest.mark.browser
def test_the_worker_segments_mixed_text_into_words_and_bigrams(page, site_url):
    page.goto(f"{site_url}/")
    app = page.evaluate("JSON.parse(document.getElementById('__config').textContent)")
    # The worker file also runs as a plain script: its functions become page globals.
    page.add_script_tag(url=page.evaluate(f"new URL({app['search']!r}, location.href).href"))
    tokens = page.evaluate("t => units(t).map(u => u.tokens)", "loss不下降")
    assert tokens == [["loss"], ["不下", "下降"]], tokens
    tokens = page.evaluate(
        "t => units(t).flatMap(u => u.tokens)", "all-reduce原理 KV cache Ｆ１分数"
    )
    assert {"原理", "kv", "f1", "分数"} <= set(tokens), tokens
    # however it is written, all-reduce is one word that the other spellings share
    spellings = ["all-reduce", "allreduce", "AllReduce", "all_reduce"]
    shared = page.evaluate("ts => ts.map(t => units(t).flatMap(u => u.tokens))", spellings)
    assert set.intersection(*map(set, shared)), dict(zip(spellings, shared, strict=True))
    # pages and queries are cut by the same function: a page's words are the query's words
    page_tokens = page.evaluate("t => tokens(t)", "先用 bf16 再说：BF16 和 fp16 的区别")
    assert {"bf16", "fp16", "区别"} <= set(page_tokens), page_tokens


def test_every_question_page_has_a_benchmark_query():
    queries = search_benchmark.load_queries()
    expected = {(q.lang, p) for q in queries for p in q.pages}
    missing_files = [
        f"{lang}: {p}"
        for lang, p in sorted(expected)
        if not (content.DOCS / f"{p}.{lang}.md").exists()
    ]
    assert not missing_files, (
        f"scripts/data/search_queries.yml names missing pages: {missing_files}"
    )
    uncovered = [
        page.rel
        for page in content.question_pages()
        if (page.lang, f"{page.topic}/{page.stem}") not in expected
    ]
    assert not uncovered, (
        "question pages without a query in scripts/data/search_queries.yml (add what a reader "
        f"would type to find them): {uncovered}"
    )
