"""The fake Bot API in a process of its own, pinned to a core of its own.

The update-cost and burst benchmarks time the bot, not the fake: run in the benchmark's own
process, the fake would take its share of the same cores and every ratio would shrink toward 1.
``RemoteFake`` starts this module as a child process; the child serves the fake Bot API and a
control route on 127.0.0.1 that answers once a method has been called a given number of times.

    python -m bench.fake_server --cpu 1     # prints "<api port> <control port>"
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from tests.fakes.telegram_api import FakeTelegram


def cores() -> tuple[int, int | None]:
    """The core for the bot and the one for the fake (None: only one core to share)."""
    available = sorted(os.sched_getaffinity(0))
    return available[0], (available[1] if len(available) > 1 else None)


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user and system), from ``/proc``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pin(cpu: int | None) -> None:
    """Pin this process (and the threads it starts from now on) to one core."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})


async def _serve(token: str) -> None:
    async with FakeTelegram(token) as api:

        async def wait(request: web.Request) -> web.Response:
            method, count = request.match_info["method"], int(request.match_info["count"])
            await api.wait_until(lambda: api.counts[method] >= count, within=3600)
            return web.json_response({"count": api.counts[method]})

        async def counts(_: web.Request) -> web.Response:
            return web.json_response(dict(api.counts))

        control = web.Application()
        control.router.add_get("/wait/{method}/{count}", wait)
        control.router.add_get("/counts", counts)
        runner = web.AppRunner(control, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001
        print(api.port, port, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until closed
        await runner.cleanup()


class RemoteFake:
    """The fake Bot API in a child process on its own core; use as an async context manager."""

    def __init__(self, token: str, cpu: int | None) -> None:
        self.token, self.cpu = token, cpu
        self.base_url = ""
        self._child: asyncio.subprocess.Process | None = None
        self._control: httpx.AsyncClient | None = None

    async def __aenter__(self) -> RemoteFake:
        args = [sys.executable, "-m", "bench.fake_server", "--token", self.token]
        if self.cpu is not None:
            args += ["--cpu", str(self.cpu)]
        self._child = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        if self._child.stdout is None:
            raise RuntimeError("the fake Bot API's process has no output")
        api_port, control_port = (await self._child.stdout.readline()).split()
        self.base_url = f"http://127.0.0.1:{int(api_port)}/bot"
        self._control = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{int(control_port)}", timeout=3600
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._control is not None:
            await self._control.aclose()
        if self._child is not None and self._child.stdin is not None:
            self._child.stdin.close()
            await self._child.wait()

    def _client(self) -> httpx.AsyncClient:
        if self._control is None:
            raise RuntimeError("the fake Bot API is not started")
        return self._control

    def cpu_seconds(self) -> float:
        """CPU time the fake's process has used so far (user and system)."""
        return 0.0 if self._child is None else cpu_seconds(self._child.pid)

    async def count(self, method: str) -> int:
        """How many times the bot has called ``method``."""
        counts: dict[str, Any] = (await self._client().get("/counts")).json()
        return int(counts.get(method, 0))

    async def wait_count(self, method: str, count: int) -> None:
        """Return once ``method`` has been called ``count`` times."""
        (await self._client().get(f"/wait/{method}/{count}")).raise_for_status()


def main() -> None:
    """Serve until stdin closes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--token", required=True)
    parser.add_argument("--cpu", type=int)
    args = parser.parse_args()
    pin(args.cpu)
    asyncio.run(_serve(args.token))


if __name__ == "__main__":
    main()
