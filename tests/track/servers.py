"""Start a real server subprocess on 127.0.0.1, wait until it answers, and always stop it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def running_server(
    command: Sequence[str],
    *,
    probe: str,
    log_path: Path,
    env: dict[str, str],
    cwd: Path | None = None,
    timeout: float = 120,
) -> Iterator[None]:
    """Run ``command`` until the block ends; ``probe`` is a URL that answers 200 once it is up."""
    log = open(log_path, "w")  # noqa: SIM115 - closed below, after the server stops
    server = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the server's workers are stopped with it
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(probe, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} {command[1]} did not start:\n" + log_path.read_text())
            time.sleep(0.5)
        yield
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(5)  # a throwaway server: no need to wait for a graceful shutdown
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
