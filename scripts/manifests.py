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
        "report_head": "| 代码片段 | 显示在 | CPU | GPU |\n|---|---|---|---|",
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
        "report_head": "| Snippet | Shown on | CPU | GPU |\n|---|---|---|---|",
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


def render_report(lang: str, from_page: str = "report.md", build: Path = content.BUILD) -> str:
    """The execution report: every snippet with its last duration per device, and totals."""
    manifests = load(build)
    text = TEXT[lang]
    snippets = [p.relative_to(content.ROOT).as_posix() for p in content.snippet_files()]
    pages = {p.rel: p for p in content.question_pages(lang)}
    shown_on = content.pages_by_include()
    lines = []
    for device, label in DEVICE_LABEL.items():
        manifest = manifests.get(device)
        if manifest is None:
            lines.append(text["no_device"].format(device=label))
            continue
        entries = manifest.get("results", {})
        ran = [entries[s] for s in snippets if s in entries]
        lines.append(
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
        lines.append(
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
    rows = [text["report_head"]]
    for rel in snippets:
        shown = [pages[p] for p in shown_on.get(rel, []) if p in pages]
        links = ", ".join(f"[{p.title}]({content.link_to(p, from_page)})" for p in shown)
        cells = [
            _cell(manifests.get(d, {}).get("results", {}).get(rel), lang) for d in DEVICE_LABEL
        ]
        rows.append(
            f"| `{rel.removeprefix('snippets/')}` | {links or text['none']} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n\n".join(lines) + "\n\n" + "\n".join(rows) + "\n"


if __name__ == "__main__":
    for language in content.LANGS:
        print(render_report(language))
