"""A throw-away PostgreSQL cluster for tests and benchmarks: ``initdb`` + ``pg_ctl``.

* Finds ``initdb``/``pg_ctl`` on ``PATH`` (symlinks resolved), then in
  ``/usr/lib/postgresql/<version>/bin`` (Debian's ``postgresql`` package), newest first.
  If there are none, :func:`find_bindir` raises :class:`ServerMissing`, whose message
  says to install Debian's ``postgresql`` package: the tests then FAIL, never skip.
* The cluster lives in a fresh temporary folder and listens **only** on a Unix socket in
  that folder (``listen_addresses=''``): no TCP port, no system service, nothing shared.
* PostgreSQL refuses to run as root. When the tests run as root (CI), the folder is
  chowned to the ``postgres`` system user (created by the Debian package) or, if that
  user does not exist, to ``nobody``, and ``initdb``/``pg_ctl`` run as that user
  (``subprocess`` ``user=``/``group=``). The test process, root, can still reach the
  socket; it connects as the database superuser ``postgres`` with ``trust`` auth,
  which only this folder's socket accepts.
* Durability settings are the production defaults (``fsync=on``,
  ``synchronous_commit=on``): the crash tests and the benchmark measure the real thing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["Cluster", "ServerMissing", "find_bindir"]

INSTALL = (
    "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH nor in "
    "/usr/lib/postgresql/*/bin; install Debian's `postgresql` package "
    "(`apt-get install -y postgresql`) so that the PostgreSQL store tests can start a "
    "throw-away server."
)


class ServerMissing(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def _version_key(path: str) -> tuple[int, ...]:
    parts = Path(path).parent.name.split(".")
    return tuple(int(p) for p in parts if p.isdigit())


def find_bindir() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``."""
    candidates = []
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(os.path.realpath(found)).parent)
    candidates.extend(
        Path(initdb).parent
        for initdb in sorted(
            glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key, reverse=True
        )
    )
    for bindir in candidates:
        if all((bindir / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise ServerMissing(INSTALL)


def _run_as() -> tuple[int, int] | None:
    """(uid, gid) to run the server as when we are root, else ``None``."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise ServerMissing(
        "running as root, but neither a `postgres` nor a `nobody` user exists to run the "
        "throw-away PostgreSQL server as; install Debian's `postgresql` package."
    )


class Cluster:
    """One throw-away PostgreSQL cluster; ``start()``, ``stop()``, ``crash()``."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir if bindir is not None else find_bindir()
        # A short path: a Unix socket path must stay under ~107 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="skpg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.user = _run_as()
        if self.user is not None:
            os.chown(self.root, *self.user)
        self.conninfo = f"host={self.root} port=5432 dbname=postgres user=postgres"
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",  # the cluster is thrown away; its commits are still fsynced
        )
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                "\nlisten_addresses = ''\n"
                f"unix_socket_directories = '{self.root}'\n"
                "fsync = on\nsynchronous_commit = on\n"
                "max_connections = 60\nshared_buffers = 32MB\n"
                "log_min_messages = warning\n"
            )

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        kwargs = {}
        if self.user is not None:
            kwargs = {"user": self.user[0], "group": self.user[1], "extra_groups": []}
        return subprocess.run(
            [str(self.bindir / tool), *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
            cwd=self.root,
            **kwargs,  # type: ignore[arg-type]
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        done = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start",
            check=False,
        )  # fmt: skip
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}\n{log}")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``mode="immediate"``: a crash, recovery runs on next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def crash(self) -> None:
        """``pg_ctl stop -m immediate``: every backend dies without a checkpoint."""
        self.stop("immediate")

    def destroy(self) -> None:
        """Stop the server (no final checkpoint: it is thrown away) and delete its folder."""
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
