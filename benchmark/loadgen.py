"""A small HTTP/1.1 load generator on asyncio, for the benchmark's over-HTTP series.

One event loop drives `concurrency` keep-alive connections; each takes the next request
number from a shared counter until `requests` have been sent, so concurrency 1 is one client
at a time and 16 is sixteen at once. Each answer's time is measured at the client (send to
last byte) and read from the worker's `Server-Timing` header (benchmark.middleware), with
the worker's query count (`X-Bench-Queries`) and `X-Public-Cache` (hit or miss).

Only what the benchmark's own workers answer is parsed: a status line, headers, then a body
of `Content-Length` bytes or in chunks.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# What a request looks like: (method, path, extra headers, body).
Request = tuple[str, str, dict[str, str], bytes]


class ProtocolError(Exception):
    pass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Result:
    """One series: every answer's client and server time (ms), queries and statuses."""

    concurrency: int
    client_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    cache: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Answers per second over the series' wall time."""
        return len(self.client_ms) / self.seconds if self.seconds else 0.0


async def _read_answer(reader: asyncio.StreamReader) -> Answer:
    status_line = await reader.readline()
    if not status_line:
        raise ProtocolError("the server closed the connection")
    parts = status_line.decode("latin1").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise ProtocolError(f"not an HTTP answer: {status_line[:80]!r}")
    status = int(parts[1])
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readline()).split(b";")[0].strip(), 16)
            if size == 0:
                await reader.readline()  # the blank line after the last chunk
                break
            chunks.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(chunks)
    elif status in (204, 304) or status < 200:
        body = b""
    else:
        raise ProtocolError("an answer with neither Content-Length nor chunks")
    return Answer(status, headers, body)


def _encode(host: str, request: Request) -> bytes:
    method, path, headers, body = request
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _series(
    addresses: list[tuple[str, int]],
    make: Callable[[int], Request],
    *,
    requests: int,
    concurrency: int,
    expect: tuple[int, ...],
    check: Callable[[Answer], str | None] | None,
) -> Result:
    result = Result(concurrency)
    next_index = 0
    # Connections are opened before the clock starts, one per client, spread over the
    # addresses (one per worker) in turn.
    connections = [
        await asyncio.open_connection(*addresses[i % len(addresses)]) for i in range(concurrency)
    ]

    async def client(number: int) -> None:
        nonlocal next_index
        reader, writer = connections[number]
        host_name, port = addresses[number % len(addresses)]
        host = f"{host_name}:{port}"
        while next_index < requests and len(result.errors) < 5:
            index = next_index
            next_index += 1
            started = time.perf_counter()
            writer.write(_encode(host, make(index)))
            await writer.drain()
            try:
                answer = await _read_answer(reader)
            except (ProtocolError, asyncio.IncompleteReadError, ConnectionError) as error:
                result.errors.append(f"request {index}: {error}")
                return
            elapsed = (time.perf_counter() - started) * 1000
            result.statuses[answer.status] += 1
            problem = None
            if answer.status not in expect:
                problem = f"HTTP {answer.status}: {answer.body[:200]!r}"
            elif check is not None:
                problem = check(answer)
            if problem:
                result.errors.append(f"request {index}: {problem}")
                continue
            result.client_ms.append(elapsed)
            timing = answer.headers.get("server-timing", "")
            if "dur=" in timing:
                result.server_ms.append(float(timing.split("dur=", 1)[1].split(";")[0]))
            if "x-bench-queries" in answer.headers:
                result.queries.append(int(answer.headers["x-bench-queries"]))
            result.cache[answer.headers.get("x-public-cache", "—")] += 1
            if answer.headers.get("connection", "").lower() == "close":
                writer.close()
                reader, writer = await asyncio.open_connection(*addresses[number % len(addresses)])

    started = time.perf_counter()
    try:
        await asyncio.gather(*(client(n) for n in range(concurrency)))
    finally:
        result.seconds = time.perf_counter() - started
        for _reader, writer in connections:
            writer.close()
    return result


def run(
    addresses: list[tuple[str, int]],
    make: Callable[[int], Request],
    *,
    requests: int,
    concurrency: int,
    expect: tuple[int, ...] = (200,),
    check: Callable[[Answer], str | None] | None = None,
) -> Result:
    """`requests` requests made by `make(index)`, `concurrency` at a time, over keep-alive
    connections to `addresses`; answers with another status are counted as errors."""
    return asyncio.run(
        _series(
            addresses,
            make,
            requests=requests,
            concurrency=concurrency,
            expect=expect,
            check=check,
        )
    )


def get(path: str, headers: dict[str, str] | None = None) -> Request:
    return ("GET", path, dict(headers or {}), b"")
