"""Review a model server's Dockerfile before building it: a few checks a CI step can run.

Nothing is built or run. The good Dockerfile passes every check; the second one, in the
style of the source posts, fails most of them.
"""

import re

GOOD = """\
# syntax=docker/dockerfile:1
FROM python:3.12.8-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY serve.py model.onnx ./
USER 10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \\
  CMD ["python", "-c", \\
       "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]
CMD ["python", "serve.py", "--port", "8080"]
"""

SOURCE_STYLE = """\
FROM python:3.8-slim
COPY . .
ENV API_KEY=changeme
RUN pip install torch onnxruntime
CMD python model.py
"""

SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.IGNORECASE)
EOL_PYTHON = {"2.7", "3.6", "3.7", "3.8", "3.9"}  # past end of life (3.8: October 2024)


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    pairs = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, args = line.partition(" ")
            pairs.append((name.upper(), args.strip()))
    return pairs


def pinned(pip_args: str) -> bool:
    """True if every package is pinned: a hashed lock file, or name==version on the line.

    A plain `-r requirements.txt` is not enough: the file may list unpinned names, and
    only --require-hashes makes pip refuse any requirement without an exact version.
    """
    if "--require-hashes" in pip_args:
        return True
    words = pip_args.partition("pip install")[2].split()
    if any(w in {"-r", "--requirement"} or w.startswith("-r") for w in words):
        return False
    packages = [w for w in words if not w.startswith("-")]
    return bool(packages) and all("==" in w for w in packages)


def review(dockerfile: str) -> list[str]:
    steps = instructions(dockerfile)
    names = [name for name, _ in steps]
    problems = []
    for image in (args.split()[0] for name, args in steps if name == "FROM"):
        tag = image.partition("@")[0].rpartition(":")[2] if ":" in image else ""
        if not tag or tag == "latest":
            problems.append(f"base image {image!r}: pin a version tag (or a digest)")
        version = re.match(r"python:(\d+\.\d+)", image)
        if version and version.group(1) in EOL_PYTHON:
            problems.append(f"base image {image!r}: Python {version.group(1)} is end-of-life")
    users = [args for name, args in steps if name == "USER"]
    if not users or users[-1] in {"root", "0"}:
        problems.append("runs as root: add a USER with a non-root user")
    if "HEALTHCHECK" not in names:
        problems.append("no HEALTHCHECK: the orchestrator cannot tell a hung server")
    for name, args in steps:
        for variable in re.findall(r"(\w+)=", args) if name in {"ENV", "ARG"} else []:
            if SECRET_NAME.search(variable):
                problems.append(
                    f"{name} {variable}: secrets belong in runtime secrets, not the image"
                )
        if name in {"COPY", "ADD"} and args.split()[0] == ".":
            problems.append(f"{name} {args}: copies the whole build context (.git, data, keys?)")
        if name == "RUN" and "pip install" in args:
            if not pinned(args):
                problems.append("pip install without pinned versions (== or --require-hashes)")
            if "--no-cache-dir" not in args:
                problems.append("pip install keeps its cache in the image")
    entrypoints = [args for name, args in steps if name in {"CMD", "ENTRYPOINT"}]
    if not entrypoints or not entrypoints[-1].startswith("["):
        problems.append("CMD in shell form: use the exec form so the server receives SIGTERM")
    return problems


good_problems, source_problems = review(GOOD), review(SOURCE_STYLE)
print(f"good Dockerfile: {len(good_problems)} problems")
print(f"source-style Dockerfile: {len(source_problems)} problems")
for problem in source_problems:
    print(f"  - {problem}")
assert good_problems == []
assert len(source_problems) == 8
# The pin check looks at versions, not at whether a requirements file is used.
unhashed = GOOD.replace("--require-hashes ", "")
assert review(unhashed) == ["pip install without pinned versions (== or --require-hashes)"]
explicit = GOOD.replace(
    "--require-hashes -r requirements.lock", "torch==2.13.0 onnxruntime==1.23.2"
)
assert review(explicit) == []
