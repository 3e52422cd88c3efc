"""The snippet sandbox: no network beyond loopback, no writes outside the working directory.

The runner (scripts/verify.py) calls install() in every snippet process it forks. It
also puts this folder on PYTHONPATH, so any Python subprocess a snippet starts (the
ranks of a DistributedDataParallel example, a DataLoader worker started with "spawn")
imports this file as `sitecustomize` and is guarded the same way.

The guard is a PEP 578 audit hook, which cannot be removed once installed. It sees
what Python itself does (open(), os.*, socket.*); connections made inside C++
libraries (gloo, NCCL) bypass it, which is why distributed examples must use
127.0.0.1 explicitly. Every violation is written to a report file as well as raised,
so a snippet that swallows the PermissionError still fails its check.

It also notes which repository files (outside the virtual environment) the snippet
reads, so that the runner's cache (scripts/verify_cache.py) can tell when they change.
"""

from __future__ import annotations

import ipaddress
import os
import sys

WORKDIR_ENV = "SNIPPET_SANDBOX_WORKDIR"
REPORT_ENV = "SNIPPET_SANDBOX_REPORT"
READS_ENV = "SNIPPET_SANDBOX_READS"  # file that collects the repository files read
WATCH_ENV = "SNIPPET_SANDBOX_WATCH"  # the repository root

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_PATH_EVENTS = {  # audit event -> indexes of the path arguments it modifies
    "os.mkdir": (0,),
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.rename": (0, 1),
    "os.replace": (0, 1),
    "os.truncate": (0,),
    "os.symlink": (1,),
    "os.link": (1,),
    "os.chmod": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (1,),
    "shutil.move": (1,),
}
_NET_EVENTS = {"socket.connect", "socket.bind", "socket.sendto"}
_NAME_EVENTS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"}
_LOCAL_NAMES = {"localhost", "", None}


def _is_loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def install(workdir: str, report_path: str) -> None:
    """Guard this process: writes only under `workdir` (and /dev/null), network only on loopback."""
    # /dev/shm: shared memory that torch.multiprocessing and DataLoader workers use.
    allowed_roots = (os.path.realpath(workdir) + os.sep, "/dev/null/", "/dev/shm/")  # noqa: S108
    report_fd = os.open(report_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    reads_fd = None
    if os.environ.get(READS_ENV) and os.environ.get(WATCH_ENV):
        reads_fd = os.open(os.environ[READS_ENV], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        watched = os.path.realpath(os.environ[WATCH_ENV]) + os.sep
        ignored = (os.path.realpath(sys.prefix) + os.sep, allowed_roots[0])

    def note_read(path) -> None:
        if isinstance(path, int):
            return
        real = os.path.realpath(os.fsdecode(path))
        if real.startswith(watched) and not real.startswith(ignored) and os.path.isfile(real):
            os.write(reads_fd, (real[len(watched) :] + "\n").encode())

    def violation(message: str) -> None:
        os.write(report_fd, (message + "\n").encode())
        raise PermissionError(f"[snippet sandbox] {message}")

    def check_path(path) -> None:
        if isinstance(path, int):
            return  # an already-open file descriptor
        real = os.path.realpath(os.fsdecode(path))
        if not (real + os.sep).startswith(allowed_roots):
            violation(
                f"write outside the working directory blocked: {real}. "
                "Snippets may only write files in their current directory."
            )

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
                flags & _WRITE_FLAGS
            )
            if writing and path is not None:
                check_path(path)
            elif reads_fd is not None and path is not None:
                note_read(path)
        elif event in _PATH_EVENTS:
            for index in _PATH_EVENTS[event]:
                check_path(args[index])
        elif event in _NET_EVENTS:
            address = args[1]
            if isinstance(address, tuple) and not _is_loopback(address[0]):
                violation(
                    f"network access blocked: {event.split('.')[1]} to {address[0]}:{address[1]}. "
                    "Snippets must not use the network (use synthetic or package-shipped data); "
                    "local servers bind to 127.0.0.1."
                )
        elif event in _NAME_EVENTS and not _is_loopback(args[0]):
            violation(
                f"network access blocked: name lookup of {args[0]!r}. "
                "Snippets must not use the network (use synthetic or package-shipped data)."
            )

    sys.dont_write_bytecode = True
    sys.addaudithook(hook)


if os.environ.get(WORKDIR_ENV) and os.environ.get(REPORT_ENV):
    install(os.environ[WORKDIR_ENV], os.environ[REPORT_ENV])
