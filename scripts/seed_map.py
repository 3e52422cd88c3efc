#!/usr/bin/env python3
"""The seed map: every question the source posts ask, mapped to the page that answers it.

    python scripts/seed_map.py ../shared/seeds          # report; exit 1 unless all is mapped
    python scripts/seed_map.py ../shared/seeds --list   # every occurrence found, one per line
    python scripts/seed_map.py --seeds overfitting      # the `seeds` front matter of a page

An occurrence is a place where a post asks a question, identified as FILE:LINE (the
1-based line that opens it). The finder recognizes, outside code fences:
  - numbered headings:   ### 3. ...   #### 12. ...   ### 题目 7：...
  - numbered bold lines: **4. 如何...？**   (the question list and the 算法编程题库 section)
  - numbered bullets:    - **2. ...**      (the 答案解析说明 recap and 源代码实例 examples)
A `**题目：**` line under a heading restates that heading's question: it belongs to the
same occurrence and gives its wording.

Data (scripts/data/):
  seed_map.yml   one entry per occurrence: at (FILE:LINE), id (the page), text (the wording)
  questions.yml  the planned pages: id -> topic, zh/en titles, level, defects of the sources;
                 a question no post asks (the large-model pages) says `asked_by_posts: false`
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import content  # noqa: E402

SEED_MAP = content.DATA / "seed_map.yml"
QUESTIONS = content.DATA / "questions.yml"
DEFAULT_SEEDS = content.ROOT.parent / "shared" / "seeds"

HEADING = re.compile(
    r"^#{2,6}\s+(?:题目\s*(?P<n1>\d+)\s*[：:]|(?P<n2>\d+)\s*[.、．])\s*(?P<text>.+?)\s*$"
)
BOLD = re.compile(r"^\*\*\s*(?P<n>\d+)\s*[.、．]\s*(?P<text>.+?)\s*\*\*\s*$")
BULLET = re.compile(r"^\s*[-*+]\s+\*\*\s*(?P<n>\d+)\s*[.、．]\s*(?P<text>.+?)\s*\*\*")
STATEMENT = re.compile(r"^\*\*题目[：:]\*\*\s*(?P<text>.+?)\s*$")
SECTION = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*$")


@dataclass(frozen=True)
class Occurrence:
    file: str
    line: int
    kind: str  # heading | bold | bullet
    section: str  # the enclosing unnumbered heading (e.g. 算法编程题库)
    text: str  # the wording: the 题目 statement when there is one, else the numbered line

    @property
    def at(self) -> str:
        return f"{self.file}:{self.line}"


def find_occurrences(seed_dir: Path) -> list[Occurrence]:
    found: list[Occurrence] = []
    files = sorted(seed_dir.glob("*.txt"))
    if not files:
        raise SystemExit(f"seed_map: no *.txt posts in {seed_dir}")
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        in_fence, section = False, ""
        for index, line in enumerate(lines):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            for kind, pattern in (("heading", HEADING), ("bold", BOLD), ("bullet", BULLET)):
                match = pattern.match(line)
                if match:
                    text = _clean(match.group("text"))
                    if kind == "heading":
                        text = _statement_after(lines, index) or text
                    found.append(Occurrence(path.name, index + 1, kind, section, text))
                    break
            else:
                heading = SECTION.match(line)
                if heading and _clean(heading.group("text")).rstrip("：:") != "面试题":
                    section = _clean(heading.group("text")).rstrip("：:")
    return found


def _statement_after(lines: list[str], index: int) -> str:
    """The `**题目：**` wording that follows a heading, before the next heading or answer."""
    for line in lines[index + 1 : index + 6]:
        match = STATEMENT.match(line)
        if match:
            return _clean(match.group("text"))
        if HEADING.match(line) or line.startswith("**答案"):
            break
    return ""


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


@cache
def load_map() -> list[dict]:
    return yaml.safe_load(SEED_MAP.read_text(encoding="utf-8")) or []


@cache
def load_questions() -> dict[str, dict]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8")) or {}


def asked_by_posts(plan: dict) -> bool:
    """Whether the source posts ask this planned question (most do; the large-model pages not)."""
    return plan.get("asked_by_posts", True)


def seeds_by_id() -> dict[str, list[str]]:
    """Canonical id -> the FILE:LINE occurrences it answers, in seed order."""
    by_id: dict[str, list[str]] = {}
    for entry in load_map():
        by_id.setdefault(entry["id"], []).append(entry["at"])
    return by_id


POSTS = content.DATA / "posts.yml"


@cache
def load_posts() -> dict[str, dict]:
    """scripts/data/posts.yml: post file -> {zh, en: its title; untitled: named by its
    first heading}, in the order the sources page lists them."""
    return yaml.safe_load(POSTS.read_text(encoding="utf-8")) or {}


SOURCE_WORDS = {
    "zh": {
        "asked": lambda n: f"问了 {n} 次",
        "not_written": "（尚未成文）",
        "untitled": "原帖没有标题，这里用它的第一节标题：",
        "questions": lambda n: f"{n} 个问题",
    },
    "en": {
        "asked": lambda n: f"asked {n} time" + ("" if n == 1 else "s"),
        "not_written": " (not written yet)",
        "untitled": "The post has no title; it is named here by its first section: ",
        "questions": lambda n: f"{n} question" + ("" if n == 1 else "s"),
    },
}


def post_heading(post: str, lang: str) -> str:
    """How the sources page names a post: its Chinese title, and in English its translation."""
    title = load_posts().get(post, {})
    if not title:
        return post
    return title["zh"] if lang == "zh" else f"{title['en']} ({title['zh']})"


def render_sources(lang: str, from_page: str) -> str:
    """The sources page: per post (by its title), its questions grouped by the page that
    answers them, with the post's wording and where it asks (FILE:LINE)."""
    words = SOURCE_WORDS[lang]
    written = {p.meta.get("id"): p for p in content.question_pages(lang)}
    by_post: dict[str, dict[str, list[dict]]] = {}
    for entry in load_map():
        post = entry["at"].split(":")[0]
        by_post.setdefault(post, {}).setdefault(entry["id"], []).append(entry)
    posts = [*load_posts(), *sorted(set(by_post) - set(load_posts()))]
    parts = []
    for post in (p for p in posts if p in by_post):
        count = sum(len(entries) for entries in by_post[post].values())
        lines = [f"## {post_heading(post, lang)}", ""]
        if load_posts().get(post, {}).get("untitled"):
            lines += [f"{words['untitled']}“{load_posts()[post]['zh']}”", ""]
        lines += [f"`{post}` · {words['questions'](count)}", ""]
        first_line = {q: int(e[0]["at"].split(":")[1]) for q, e in by_post[post].items()}
        for qid in sorted(by_post[post], key=first_line.get):  # in the post's order
            entries = by_post[post][qid]
            page = written.get(qid)
            name = page.title if page else load_questions().get(qid, {}).get(lang, qid)
            name = f"[{name}]({content.link_to(page, from_page)})" if page else name
            suffix = "" if page else words["not_written"]
            lines.append(f"**{name}**{suffix} · {words['asked'](len(entries))}")
            lines.append("")
            lines += [f"- {e['text']} <small>{_line(e, lang)}</small>" for e in entries]
            lines.append("")
        parts.append("\n".join(lines))
    return "\n".join(parts)


def _line(entry: dict, lang: str) -> str:
    line = entry["at"].split(":")[1]
    return f"第 {line} 行" if lang == "zh" else f"line {line}"


def report(seed_dir: Path) -> tuple[list[str], list[str]]:
    """(problems, summary lines). No problems means every occurrence is mapped, once."""
    occurrences = {o.at: o for o in find_occurrences(seed_dir)}
    entries = load_map()
    questions = load_questions()
    problems: list[str] = []
    mapped = [e["at"] for e in entries]
    for at, count in Counter(mapped).items():
        if count > 1:
            problems.append(f"{at} is mapped {count} times in {SEED_MAP.name}; keep one entry.")
    unmapped = [at for at in occurrences if at not in mapped]
    problems += [f"unmapped occurrence {at}: {occurrences[at].text}" for at in unmapped]
    for entry in entries:
        occurrence = occurrences.get(entry["at"])
        if occurrence is None:
            problems.append(f"{SEED_MAP.name}: {entry['at']} is not an occurrence in {seed_dir}.")
        elif entry.get("text") != occurrence.text:
            problems.append(
                f"{SEED_MAP.name}: {entry['at']} text {entry.get('text')!r} differs from the "
                f"post's {occurrence.text!r}; copy the post's wording."
            )
        if entry["id"] not in questions:
            problems.append(
                f"{SEED_MAP.name}: {entry['at']} maps to {entry['id']!r}, not in {QUESTIONS.name}."
            )
    used = {e["id"] for e in entries}
    for qid, plan in questions.items():
        if asked_by_posts(plan) and qid not in used:
            problems.append(
                f"{QUESTIONS.name}: {qid} answers no occurrence; map one to it, or mark it "
                "`asked_by_posts: false` if no post asks it."
            )
        elif not asked_by_posts(plan) and qid in used:
            problems.append(
                f"{QUESTIONS.name}: {qid} is marked `asked_by_posts: false`, but "
                f"{SEED_MAP.name} maps occurrences to it; remove the mark."
            )
    topics = {q["topic"] for q in questions.values()}
    summary = [
        f"occurrences found:   {len(occurrences)} in {len({o.file for o in occurrences.values()})}"
        " posts",
        f"mapped:              {len(set(mapped) & set(occurrences))}",
        f"unmapped:            {len(unmapped)}",
        f"map lines that are not an occurrence: {len(set(mapped) - set(occurrences))}",
        f"pages no post asks:  {len([q for q in questions if q not in used])}",
        f"canonical questions: {len(questions)} in {len(topics)} topics",
    ]
    return problems, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("seed_dir", type=Path, nargs="?", default=DEFAULT_SEEDS)
    parser.add_argument("--list", action="store_true", help="print every occurrence found")
    parser.add_argument("--seeds", metavar="ID", help="print the `seeds` front matter of page ID")
    args = parser.parse_args(argv)
    if args.seeds:
        lines = [f"  - {at}" for at in seeds_by_id().get(args.seeds, [])]
        print("\n".join(["seeds:", *lines]))
        return 0
    if args.list:
        for o in find_occurrences(args.seed_dir):
            print(f"{o.at}\t{o.kind}\t{o.section}\t{o.text}")
        return 0
    problems, summary = report(args.seed_dir)
    print("\n".join(summary))
    for problem in problems:
        print(f"  - {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
