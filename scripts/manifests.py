"""What the verification runs recorded, as the site shows it.

scripts/verify.py writes build/verify/manifest-<device>.json for each device it ran on
(the GitHub workflow hands the CPU and the GPU job's manifests to the build job). This
module turns them into the "verified on" line under every example and the execution
report page. Nothing here is hand-written: with no manifest for a device, or a manifest
that predates the snippet's current version, the line says so instead of claiming it.

    python scripts/manifests.py   # print the execution report (Chinese and English)
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import content  # noqa: E402
import verify  # noqa: E402

DEVICE_LABEL = {"cpu": "CPU", "cuda": "GPU"}
TEXT = {
    "zh": {
        "verified": "已验证",
        "seconds": "{:.2f} 秒",
        "no_manifest": "{device}：本次构建没有 {device} 运行记录，未声称已验证",
        "not_run": "{device}：没有这段代码的 {device} 运行记录",
        "stale": "{device}：运行记录对应的是这段代码的旧版本，当前版本未验证",
        "failed": "{device}：最近一次运行失败",
        "download": "下载 {name}",
        "notebook": "下载本题的全部代码（notebook，{name}）",
        "totals": "最近一次运行的合计",
        "none": "—",
        "summary": (
            "{device}：{n} 段代码中有 {runs} 段有运行记录，单段耗时合计 {total:.1f} 秒；"
            "最近一次运行用 {jobs} 个并行进程，墙钟时间 {wall:.1f} 秒"
            "（并行运行时，墙钟时间不是各段耗时之和）。"
            "沿用缓存结果的代码（自上次运行以来没有变化，耗时是原始运行的）：{cached} 段。"
        ),
        "environment": "{device} 运行环境：{name}；Python {python}，torch {torch}，"
        "scikit-learn {sklearn}，numpy {numpy}；{date}。",
        "no_device": "{device}：本次构建没有 {device} 运行记录。",
    },
    "en": {
        "verified": "Verified",
        "seconds": "{:.2f} s",
        "no_manifest": "{device}: this build has no {device} run record, so no claim is made",
        "not_run": "{device}: no {device} run recorded for this snippet",
        "stale": "{device}: the run record is for an older version of this snippet; "
        "the current version is not verified",
        "failed": "{device}: the last run failed",
        "download": "Download {name}",
        "notebook": "Download all the code of this question (notebook, {name})",
        "totals": "Totals of the last run",
        "none": "—",
        "summary": (
            "{device}: {runs} of {n} snippets have a run record; their own durations add up to "
            "{total:.1f} s. The last run used {jobs} parallel processes and took {wall:.1f} s of "
            "wall time (in a parallel run, wall time is not the sum of the durations). "
            "Cached results (the snippet had not changed since it last ran; the duration is "
            "the original run's): {cached}."
        ),
        "environment": "{device} environment: {name}; Python {python}, torch {torch}, "
        "scikit-learn {sklearn}, numpy {numpy}; {date}.",
        "no_device": "{device}: this build has no {device} run record.",
    },
}


def load(build: Path = content.BUILD) -> dict[str, dict]:
    """device -> manifest, for the devices that have one."""
    found = {}
    for device in DEVICE_LABEL:
        manifest = verify.load_manifest(verify.manifest_path(device, build))
        if manifest and manifest.get("device_name") != "no CUDA device":
            found[device] = manifest
    return found


def current_sha256(rel: str) -> str:
    """The hash verify.py records: the snippet and its recorded output."""
    snippet = content.ROOT / rel
    return verify.sha256_of(snippet, content.recorded_output_path(snippet))


def _day(date: str) -> str:
    return dt.datetime.fromisoformat(date).date().isoformat() if date else "?"


def status_line(rel: str, device: str, lang: str, manifests: dict[str, dict]) -> str:
    """One device's part of the verified-on line of snippet `rel`."""
    text = TEXT[lang]
    label = DEVICE_LABEL[device]
    manifest = manifests.get(device)
    if manifest is None:
        return text["no_manifest"].format(device=label)
    entry = manifest.get("results", {}).get(rel)
    if entry is None:
        return text["not_run"].format(device=label)
    if entry["sha256"] != current_sha256(rel):
        return text["stale"].format(device=label)
    if entry["status"] != "passed":
        return text["failed"].format(device=label)
    parts = [
        f"{text['verified']}: {label} ({manifest.get('device_name', '?')})"
        if lang == "en"
        else f"{text['verified']}：{label}（{manifest.get('device_name', '?')}）",
        f"Python {manifest.get('python')}",
        f"torch {manifest.get('torch')}",
        f"scikit-learn {manifest.get('scikit-learn')}",
        _day(entry.get("date", "")),
        text["seconds"].format(entry["seconds"]),
    ]
    return " · ".join(parts)


def verified_on(rel: str, cuda: bool, lang: str, manifests: dict[str, dict]) -> list[str]:
    """The lines shown under a snippet's output: CPU always, GPU for CUDA-marked snippets."""
    devices = ["cpu", "cuda"] if cuda else ["cpu"]
    return [status_line(rel, device, lang, manifests) for device in devices]


def _cell(entry: dict | None, lang: str) -> str:
    if entry is None:
        return TEXT[lang]["none"]
    seconds = TEXT[lang]["seconds"].format(entry["seconds"])
    mark = "✓" if entry["status"] == "passed" else "✗"
    return f"{mark} {seconds}"


SUMMARY = {
    "zh": {
        "title": "摘要",
        "total": "题库共有 **{n} 段代码**，每段都在 CI 中运行，打印结果与页面上的输出逐字比较。",
        "device": "**{device}**：{passed} 段通过{extra}；{date}；{versions}；{name}。",
        "expected": "（带 CUDA 路径的 {n} 段）",
        "failed": "，{n} 段失败",
        "stale": "，{n} 段的记录对应旧版本",
        "missing": "，{n} 段没有记录",
        "none": "**{device}**：本次构建没有 {device} 运行记录，不声称已验证。",
        "code": "代码",
    },
    "en": {
        "title": "Summary",
        "total": "The bank has **{n} snippets**. CI runs every one of them and compares what it "
        "prints, character for character, with the output shown on its page.",
        "device": "**{device}**: {passed} passed{extra}; {date}; {versions}; {name}.",
        "expected": " (of the {n} with a CUDA path)",
        "failed": ", {n} failed",
        "stale": ", {n} recorded for an older version",
        "missing": ", {n} not run",
        "none": "**{device}**: this build has no {device} run record, so no claim is made.",
        "code": "Snippet",
    },
}


def _counts(snippets: list[str], entries: dict) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "stale": 0, "missing": 0}
    for rel in snippets:
        entry = entries.get(rel)
        if entry is None:
            counts["missing"] += 1
        elif entry["sha256"] != current_sha256(rel):
            counts["stale"] += 1
        elif entry["status"] != "passed":
            counts["failed"] += 1
        else:
            counts["passed"] += 1
    return counts


def render_summary(lang: str, from_page: str = "report.md", build: Path = content.BUILD) -> str:
    """What the report says first: how many snippets, and per device how many passed,
    when, and with which versions."""
    manifests = load(build)
    text = SUMMARY[lang]
    snippets = [p.relative_to(content.ROOT).as_posix() for p in content.snippet_files()]
    cuda = [s for s in snippets if verify.Snippet.load(content.ROOT / s).cuda]
    lines = [text["total"].format(n=len(snippets)), ""]
    for device, label in DEVICE_LABEL.items():
        manifest = manifests.get(device)
        if manifest is None:
            lines.append(f"- {text['none'].format(device=label)}")
            continue
        expected = cuda if device == "cuda" else snippets
        counts = _counts(expected, manifest.get("results", {}))
        extra = text["expected"].format(n=len(expected)) if device == "cuda" else ""
        extra += "".join(
            text[k].format(n=counts[k]) for k in ("failed", "stale", "missing") if counts[k]
        )
        versions = (
            f"Python {manifest.get('python')} · torch {manifest.get('torch')} · "
            f"scikit-learn {manifest.get('scikit-learn')} · numpy {manifest.get('numpy')}"
        )
        lines.append(
            "- "
            + text["device"].format(
                device=label,
                passed=counts["passed"],
                extra=extra,
                date=_day(manifest.get("date", "")),
                versions=versions,
                name=manifest.get("device_name", "?"),
            )
        )
    body = "\n".join(f"    {line}" if line else "" for line in lines)
    return f'!!! abstract report-summary "{text["title"]}"\n\n{body}\n'


def _breakable(name: str) -> str:
    """A file name that wraps after its underscores, not inside its words."""
    return name.replace("_", "_<wbr>")


def render_report(lang: str, from_page: str = "report.md", build: Path = content.BUILD) -> str:
    """The execution report: per topic, every snippet (linked to the page that shows it)
    with its last duration per device; then the totals of the last run per device."""
    manifests = load(build)
    text = TEXT[lang]
    snippets = [p.relative_to(content.ROOT).as_posix() for p in content.snippet_files()]
    pages = {p.rel: p for p in content.question_pages(lang)}
    shown_on = content.pages_by_include()
    titles = content.topic_titles(lang)
    head = f"| {SUMMARY[lang]['code']} | " + " | ".join(DEVICE_LABEL.values()) + " |"
    blocks = []
    for topic in [*titles, *sorted({s.split("/")[1] for s in snippets} - set(titles))]:
        rows = []
        for rel in (s for s in snippets if s.split("/")[1] == topic):
            shown = [pages[p] for p in shown_on.get(rel, []) if p in pages]
            name = f"<code>{_breakable(rel.rsplit('/', 1)[-1])}</code>"
            if shown:
                name = f"[{name}]({content.link_to(shown[0], from_page)})"
            cells = [
                _cell(manifests.get(d, {}).get("results", {}).get(rel), lang) for d in DEVICE_LABEL
            ]
            rows.append(f"| {name} | " + " | ".join(cells) + " |")
        if rows:
            separator = "|---|" + "---:|" * len(DEVICE_LABEL)
            blocks.append("\n".join([f"## {titles.get(topic, topic)}", "", head, separator, *rows]))
    details = []
    for device, label in DEVICE_LABEL.items():
        manifest = manifests.get(device)
        if manifest is None:
            continue
        entries = manifest.get("results", {})
        ran = [entries[s] for s in snippets if s in entries]
        details.append(
            text["summary"].format(
                n=len(snippets),
                device=label,
                runs=len(ran),
                total=sum(e["seconds"] for e in ran),
                jobs=manifest.get("jobs", "?"),
                wall=manifest.get("wall_seconds", 0.0),
                cached=sum(bool(e.get("cached")) for e in ran),
            )
        )
        details.append(
            text["environment"].format(
                device=label,
                name=manifest.get("device_name", "?"),
                python=manifest.get("python"),
                torch=manifest.get("torch"),
                sklearn=manifest.get("scikit-learn"),
                numpy=manifest.get("numpy"),
                date=_day(manifest.get("date", "")),
            )
        )
    totals = f"## {text['totals']}\n\n" + "\n\n".join(details) if details else ""
    return "\n\n".join(blocks) + ("\n\n" + totals if totals else "") + "\n"


if __name__ == "__main__":
    for language in content.LANGS:
        print(render_summary(language))
        print(render_report(language))
