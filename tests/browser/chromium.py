"""Drive headless Chromium over the DevTools protocol on a pipe (no websocket, no download).

``chromium --remote-debugging-pipe`` reads protocol commands from file descriptor 3
and writes replies and events to descriptor 4, each a JSON text ended by a NUL byte.
Used by the browser test and by ``scripts/make_metrics_pictures.py`` (the docs'
screenshots); the only thing it needs is Debian's ``chromium`` package.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["Browser", "MissingChromium", "find_chromium"]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


class MissingChromium(RuntimeError):
    """Chromium is not installed."""


def find_chromium() -> str:
    """Return the Chromium binary, or raise saying how to install it."""
    for name in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        found = shutil.which(name)
        if found:
            return found
    raise MissingChromium(
        "Chromium is not installed: install Debian's chromium package "
        "(apt-get update && apt-get install -y chromium); the browser test needs it."
    )


class Browser:
    """One headless Chromium with a fresh profile, one page, and its console errors."""

    def __init__(self, *, timeout: float = 20.0, width: int = 1200, height: int = 900) -> None:
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="supportkit-chromium-")
        ours_r, theirs_w = os.pipe()  # the browser writes to fd 4
        theirs_r, ours_w = os.pipe()  # the browser reads from fd 3
        # Place the browser's ends on descriptors 3 and 4 in the child.
        self._proc = subprocess.Popen(
            [
                find_chromium(),
                *FLAGS,
                f"--user-data-dir={self._profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=_dup_to(theirs_r, theirs_w),  # noqa: PLW1509 - only dup2 runs there
        )
        os.close(theirs_r)
        os.close(theirs_w)
        self._write = os.fdopen(ours_w, "wb", buffering=0)
        self._read = os.fdopen(ours_r, "rb", buffering=0)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    # -- protocol ---------------------------------------------------------------
    def _message(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time.")
            chunk = self._read.read(65536)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe (did it crash?).")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, *, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events met meanwhile are kept)."""
        self._next += 1
        ident = self._next
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._write.write(json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message()
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command to the page."""
        return self.call(method, session=self._session, **params)

    def wait_for(self, method: str) -> dict[str, Any]:
        """Return the next event ``method`` (or one already received)."""
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            event = self._message()
            if event.get("method") == method:
                return event
            self.events.append(event)

    # -- what the tests use -----------------------------------------------------
    def open(self, path: Path) -> None:
        """Load a local file and wait for its load event."""
        self.events.clear()
        self.send("Page.navigate", url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """Return the JSON value of a JavaScript expression in the page."""
        reply = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads since the last :meth:`open`."""
        self.send("Runtime.evaluate", expression="1")  # flush pending events
        out = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(str(params.get("exceptionDetails", {}).get("text")))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append(" ".join(str(a.get("value")) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                out.append(str(params["entry"].get("text")))
        return out

    def screenshot(self, path: Path, box: dict[str, float]) -> None:
        """Save the page area ``box`` (``x``, ``y``, ``width``, ``height``) as a PNG."""
        clip = {key: box[key] for key in ("x", "y", "width", "height")}
        data = self.send(
            "Page.captureScreenshot",
            format="png",
            clip={**clip, "scale": 1},
            captureBeyondViewport=True,
        )["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        """Stop the browser (this process only) and remove its profile."""
        with contextlib.suppress(RuntimeError, OSError, TimeoutError):
            self.call("Browser.close")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)
        self._write.close()
        self._read.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _dup_to(read_fd: int, write_fd: int) -> Any:
    def child() -> None:
        # Copy first: read_fd/write_fd may themselves be 3 or 4.
        r, w = os.dup(read_fd), os.dup(write_fd)
        os.dup2(r, 3)  # dup2 leaves the copies inheritable
        os.dup2(w, 4)

    return child
