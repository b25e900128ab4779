"""A minimal, fast webhook receiver for the webhooks benchmark (asyncio, HTTP/1.1 keep-alive).

Answers every POST with 204 at once and records ``(webhook-id, arrival time)``; on SIGTERM it
writes them as JSON lines to the file named on the command line. It prints ``ready <port>`` once
listening on 127.0.0.1. Parsing is the bare minimum the benchmark's sender needs.

    python benchmarks/webhook_receiver.py OUTFILE
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time

ANSWER = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
arrivals: list[tuple[str, float]] = []


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            now = time.time()
            length, webhook_id = 0, ""
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                lowered = name.strip().lower()
                if lowered == b"content-length":
                    length = int(value.strip())
                elif lowered == b"webhook-id":
                    webhook_id = value.strip().decode()
            if length:
                await reader.readexactly(length)
            arrivals.append((webhook_id, now))
            writer.write(ANSWER)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main(outfile: str) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"ready {port}", flush=True)
    async with server:
        await stop.wait()
    with open(outfile, "w") as out:
        for webhook_id, at in arrivals:
            out.write(json.dumps([webhook_id, at]) + "\n")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
