"""Lint and format (ruff, including its security rules), the GitHub workflows (actionlint), and
what readers copy: no unsafe loading, no disabled TLS, nothing fetched from a model hub.

Workflow security (zizmor) and known vulnerabilities are in tests/test_ci_security.py."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import content

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    assert path, f"{name} is not installed: run `python3 scripts/dev.py test`, which installs it."
    return str(path)


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=content.ROOT, capture_output=True, text=True)


def test_ruff_lint():
    proc = _run(_tool("ruff"), "check", "--output-format", "concise", ".")
    assert proc.returncode == 0, (
        f"ruff found problems (fix them, or `ruff check --fix`):\n{proc.stdout}"
    )


def test_ruff_covers_every_snippet_with_its_security_rules():
    """Every snippet, the large-model pages' included, is linted with ruff's S rules."""
    proc = _run(_tool("ruff"), "check", "--show-files", ".")
    checked = {line.strip() for line in proc.stdout.splitlines()}
    missing = [
        str(path.relative_to(content.ROOT))
        for path in content.snippet_files()
        if str(path) not in checked
    ]
    assert not missing, "ruff does not check these snippets (see pyproject.toml):\n" + "\n".join(
        missing
    )
    config = tomllib.loads((content.ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "S" in config["select"], "ruff's security rules (S) must stay selected"


def test_ruff_format():
    proc = _run(_tool("ruff"), "format", "--check", ".")
    assert proc.returncode == 0, f"files need formatting: run `ruff format .`\n{proc.stdout}"


def test_workflows_pass_actionlint():
    proc = _run(_tool("actionlint"))
    assert proc.returncode == 0, f"actionlint found problems in .github/workflows:\n{proc.stdout}"


NOQA_SECURITY = re.compile(r"#\s*noqa:\s*(?P<codes>S\d+(?:\s*,\s*[A-Z]+\d+)*)(?P<reason>.*)$")


def test_security_exceptions_in_snippets_say_why():
    """Readers copy snippets: each silenced security rule (ruff S) carries its reason inline."""
    unjustified = []
    for path in content.snippet_files():
        for number, line in enumerate(content.read_text(path).splitlines(), 1):
            match = NOQA_SECURITY.search(line)
            if match and len(match["reason"].strip(" -—:")) < 8:
                unjustified.append(f"{path.relative_to(content.ROOT)}:{number}: {line.strip()}")
    assert not unjustified, (
        "security rule silenced without a reason; write why after it "
        "(`# noqa: S311 - test data, not cryptography`):\n" + "\n".join(unjustified)
    )


# Snippets never fetch models, tokenizers or data from a hub (README, "Adding a question"):
# a hub repository can run its own code on the reader's machine (trust_remote_code, hubconf.py,
# pickled weights), an unpinned name is whatever the repository holds the day it is run, and
# the runner's sandbox blocks the network anyway. Models are built small from a config, and
# only a directory the snippet saved itself is loaded.
HUB_DOWNLOADS = {
    "huggingface_hub.hf_hub_download": "downloads a file from the Hugging Face Hub",
    "huggingface_hub.snapshot_download": "downloads a repository from the Hugging Face Hub",
    "huggingface_hub.file_download.hf_hub_download": "downloads from the Hugging Face Hub",
    "huggingface_hub._snapshot_download.snapshot_download": "downloads from the Hugging Face Hub",
    "torch.hub.load": "downloads a repository and runs its hubconf.py",
    "torch.hub.load_state_dict_from_url": "downloads weights",
    "torch.hub.download_url_to_file": "downloads a file",
    "tiktoken.get_encoding": "downloads the BPE ranks (openaipublic.blob.core.windows.net)",
    "tiktoken.encoding_for_model": "downloads the BPE ranks (openaipublic.blob.core.windows.net)",
    "tiktoken.registry.get_encoding": "downloads the BPE ranks",
    "datasets.load_dataset": "downloads a data set from the Hugging Face Hub",
}
HUB_ID_KEYWORDS = {"pretrained_model_name_or_path", "model_id", "repo_id"}
LOCAL_DATASET_BUILDERS = {"csv", "json", "parquet", "text", "arrow", "imagefolder", "audiofolder"}


def _imports(tree: ast.AST) -> dict[str, str]:
    """Local name -> what it was imported as (`import numpy as np`: np -> numpy)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                head = alias.name.split(".")[0]
                names[alias.asname or head] = alias.name if alias.asname else head
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _qualified(func: ast.expr, imports: dict[str, str]) -> str:
    head, dot, rest = ast.unparse(func).partition(".")
    return imports.get(head, head) + dot + rest


def _module_strings(tree: ast.Module) -> set[str]:
    """Module-level names bound to a string (`MODEL = "gpt2"`): a hub id passed by name."""
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        if targets and _is_text(node.value, set()):
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return names


def _is_text(node: ast.expr | None, strings: set[str]) -> bool:
    return (
        (isinstance(node, ast.Constant) and isinstance(node.value, str))
        or isinstance(node, ast.JoinedStr)
        or (isinstance(node, ast.Name) and node.id in strings)
    )


def _hub_downloads(node: ast.Call, qualified: str, keywords: dict, strings: set[str]) -> list[str]:
    found = []
    trust = keywords.get("trust_remote_code")
    if trust is not None and not (isinstance(trust, ast.Constant) and trust.value is False):
        found.append("trust_remote_code: runs Python code from a hub repository")
    downloads = qualified in HUB_DOWNLOADS or qualified.rsplit(".", 1)[-1] in {
        "hf_hub_download",
        "snapshot_download",
    }
    local_dataset = (
        qualified == "datasets.load_dataset"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value in LOCAL_DATASET_BUILDERS
    )
    if downloads and not local_dataset:
        why = HUB_DOWNLOADS.get(qualified, "downloads from the Hugging Face Hub")
        found.append(f"{qualified}(): {why}")
    if isinstance(node.func, ast.Attribute) and node.func.attr == "from_pretrained":
        names = list(node.args) + [keywords[k] for k in HUB_ID_KEYWORDS if k in keywords]
        if any(_is_text(arg, strings) for arg in names):
            found.append(
                f"{ast.unparse(node.func)}() with a hub id: downloads from the Hugging Face Hub "
                "(build the model from a config, or load a directory the snippet saved)"
            )
    if qualified in {"transformers.pipeline", "transformers.pipelines.pipeline"}:
        model = keywords.get("model", node.args[1] if len(node.args) > 1 else None)
        if model is None or _is_text(model, strings):
            found.append(
                "transformers.pipeline() with a model name, or none (the task's default "
                "model): downloads from the Hugging Face Hub; pass a model object"
            )
    pretrained = keywords.get("pretrained")
    if isinstance(pretrained, ast.Constant) and pretrained.value is True:
        found.append("pretrained=True: downloads weights")
    weights = keywords.get("weights")
    if (
        qualified.startswith("torchvision.models.")
        and weights is not None
        and not (isinstance(weights, ast.Constant) and weights.value is None)
    ):
        found.append(f"{qualified}(weights=...): downloads weights")
    return found


def _unsafe_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    imports = _imports(tree)
    strings = _module_strings(tree) if isinstance(tree, ast.Module) else set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):  # **{"trust_remote_code": True}
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "trust_remote_code"
                    and not (isinstance(value, ast.Constant) and value.value is False)
                ):
                    found.append((node.lineno, "trust_remote_code: runs a hub repository's code"))
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        qualified = _qualified(node.func, imports)
        keywords = {k.arg: k.value for k in node.keywords}
        weights_only = keywords.get("weights_only")
        if "torch.load" in {name, qualified} and not (
            isinstance(weights_only, ast.Constant) and weights_only.value is True
        ):
            found.append((node.lineno, "torch.load without weights_only=True"))
        if {name, qualified} & {"pickle.load", "pickle.loads", "eval", "exec"}:
            found.append((node.lineno, f"{name}()"))
        verify = keywords.get("verify")
        if isinstance(verify, ast.Constant) and verify.value is False:
            found.append((node.lineno, "TLS verification turned off (verify=False)"))
        if name.endswith("_create_unverified_context"):
            found.append((node.lineno, "TLS verification turned off"))
        found += [
            (node.lineno, what) for what in _hub_downloads(node, qualified, keywords, strings)
        ]
    return found


def unsafe_calls_in_snippets() -> list[str]:
    unsafe = []
    for path in content.snippet_files():
        tree = ast.parse(content.read_text(path))
        for line, what in _unsafe_calls(tree):
            unsafe.append(f"{path.relative_to(content.ROOT)}:{line}: {what}")
    return unsafe


def _in_fresh_interpreter(code: str) -> str:
    """Run `code` with tests/ and scripts/ importable; its stdout. (CPython 3.11.7's
    ast.parse can fail in a process where a RecursionError happened before.)"""
    tests = str(Path(__file__).resolve().parent)
    proc = subprocess.run(
        [sys.executable, "-c", code, tests, str(content.ROOT / "scripts")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, f"the check itself failed:\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_snippets_load_models_safely():
    """torch.load always with weights_only=True; no pickle.load, eval or exec; TLS stays on;
    nothing downloaded from a model hub, and no trust_remote_code.

    Parsed in a fresh interpreter: CPython 3.11.7's ast.parse can raise "AST constructor
    recursion depth mismatch" in a process where a RecursionError happened before."""
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import test_quality; "
        "print('\\n'.join(test_quality.unsafe_calls_in_snippets()))"
    )
    unsafe = _in_fresh_interpreter(code).strip()
    assert not unsafe, f"unsafe calls in snippets readers copy:\n{unsafe}"


# (source, what the check must report in it); an empty list: nothing to report.
UNSAFE_EXAMPLES = [
    ("from transformers import AutoModel\nAutoModel.from_pretrained('gpt2')", ["hub id"]),
    ("import transformers as t\nt.AutoTokenizer.from_pretrained(f'{org}/x')", ["hub id"]),
    ("M = 'gpt2'\nfrom peft import PeftModel\nPeftModel.from_pretrained(base, M)", ["hub id"]),
    ("AutoModel.from_pretrained(tmp_path / 'tiny')", []),
    ("AutoModel.from_config(config, trust_remote_code=True)", ["trust_remote_code"]),
    ("AutoModel.from_config(config, **{'trust_remote_code': True})", ["trust_remote_code"]),
    ("AutoModel.from_config(config, trust_remote_code=False)", []),
    ("from huggingface_hub import hf_hub_download as get\nget('org/x', 'w.bin')", ["downloads"]),
    ("import huggingface_hub\nhuggingface_hub.snapshot_download('org/x')", ["downloads"]),
    ("from transformers import pipeline\npipeline('sentiment-analysis')", ["pipeline"]),
    ("from transformers import pipeline\npipeline('text-generation', model='gpt2')", ["pipeline"]),
    ("from transformers import pipeline\npipeline('text-generation', model=model)", []),
    ("import tiktoken\ntiktoken.get_encoding('cl100k_base')", ["BPE"]),
    ("from tiktoken import encoding_for_model\nencoding_for_model('gpt-4o')", ["BPE"]),
    ("import torch\ntorch.hub.load('pytorch/vision', 'resnet18')", ["hubconf"]),
    ("from torchvision import models\nmodels.resnet18(weights='DEFAULT')", ["weights"]),
    ("from torchvision import models\nmodels.resnet18(weights=None)", []),
    ("import timm\ntimm.create_model('resnet18', pretrained=True)", ["pretrained=True"]),
    ("from datasets import load_dataset\nload_dataset('imdb')", ["data set"]),
    ("from datasets import load_dataset\nload_dataset('csv', data_files=str(path))", []),
    ("from sklearn.pipeline import make_pipeline\npipeline = make_pipeline(a, b)", []),
    ("import numpy as np\nnp.average(x, weights=w)", []),
]


def test_unsafe_call_check_catches_hub_downloads():
    """The check itself, on small examples (parsed in a fresh interpreter, as above)."""
    code = (
        "import json, sys, ast; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import test_quality; "
        "print(json.dumps([[what for _, what in test_quality._unsafe_calls(ast.parse(source))] "
        "for source, _ in test_quality.UNSAFE_EXAMPLES]))"
    )
    output = _in_fresh_interpreter(code)
    wrong = []
    for (source, expected), reported in zip(UNSAFE_EXAMPLES, json.loads(output), strict=True):
        if len(reported) != len(expected) or not all(
            want in got for want, got in zip(expected, reported, strict=True)
        ):
            wrong.append(f"{source!r}: expected {expected}, reported {reported}")
    assert not wrong, "\n".join(wrong)
