"""A minimal Chrome DevTools Protocol client: headless Chromium from the distribution, driven over loopback.

Only what the page tests need: open a file URL, collect console errors and uncaught exceptions, evaluate
JavaScript, resize the viewport and take a full-page screenshot. No browser is downloaded: the binary is
the system's ``chromium`` (Debian package) or the one named by ``$CHROMIUM``.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The Chromium binary: ``$CHROMIUM`` or the first candidate on ``PATH``."""
    named = os.environ.get("CHROMIUM")
    if named:
        return named
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, binary: str, width: int = 1280, height: int = 900) -> None:
        self.binary = binary
        self.width, self.height = width, height
        self.profile = Path(tempfile.mkdtemp(prefix="bench-chromium-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.socket: Any = None
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        import websocket

        self.process = subprocess.Popen(
            [
                self.binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                f"--window-size={self.width},{self.height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Chromium's own scratch folders (org.chromium.Chromium.*) go inside the profile, removed on exit
            env={**os.environ, "TMPDIR": str(self.profile)},
        )
        port = self._port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            targets = json.load(response)
        page = next(t for t in targets if t.get("type") == "page")
        self.socket = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.socket is not None:
            self.socket.close()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if marker.is_file() and marker.read_text().strip():
                return int(marker.read_text().splitlines()[0])
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.binary} exited with {self.process.returncode}")
            time.sleep(0.1)
        raise TimeoutError("Chromium did not open its DevTools port within 30 s")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self.next_id += 1
        ident = self.next_id
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 60) -> dict[str, Any]:
        """Wait for the next ``event`` (e.g. ``Page.loadEventFired``)."""
        deadline = time.monotonic() + timeout
        for seen in self.events:
            if seen.get("method") == event:
                self.events.remove(seen)
                return seen
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            if message.get("method") == event:
                return message
            self.events.append(message)
        raise TimeoutError(f"no {event} within {timeout} s")

    def open(self, path: Path) -> None:
        """Load a local file and wait for its load event."""
        self.call("Page.navigate", url=Path(path).resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries seen so far."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
            elif method == "Runtime.exceptionThrown":
                found.append(str(params["exceptionDetails"].get("text")))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(str(params["entry"].get("text")))
        return found

    def set_width(self, width: int, mobile: bool = False) -> None:
        """Emulate a viewport ``width`` CSS pixels wide."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=self.height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def screenshot(self, out: Path) -> Path:
        """A full-page PNG screenshot (the whole document height at the current width)."""
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(data))
        return out
