"""A loopback TCP proxy that adds a round-trip time, for measuring pages as a distant user loads them.

``with DelayProxy(target_port, rtt_ms=100) as proxy: proxy.port`` -- Chromium dials ``proxy.port``
and the proxy forwards to ``target_port`` on 127.0.0.1, each byte one half round trip later in each
direction. The TCP handshake costs a round trip too: a connection accepted at ``t`` forwards nothing the
client sent before ``t + rtt`` (on a real network the client's first byte leaves after the SYN-ACK
arrives), so a new connection costs what it costs over the internet, and a reused one does not.
TLS passes through untouched. It also records, per connection, the first line the client sent (for plain
HTTP, the request line), which is how the browser tests see that a prewarm opens one connection per
origin and asks for a path without a token. Chromium may also open a spare socket that never carries a
request: ``connections`` counts those too, ``used`` does not.

Only ever listens on and dials 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType

LOOPBACK = "127.0.0.1"
CHUNK = 64 * 1024


class DelayProxy:
    def __init__(self, target_port: int, *, rtt_ms: float = 0.0) -> None:
        self.target_port = target_port
        self.rtt = rtt_ms / 1000
        self.port = 0
        self.connections = 0
        self.first_lines: list[bytes] = []
        self._handlers: set[asyncio.Task[object]] = set()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"delay-proxy:{target_port}", daemon=True)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, not_before: float, *, record: bool = False
    ) -> None:
        # Bytes keep their order and each leaves half a round trip after it arrived (or after the
        # handshake's round trip, whichever is later): a queue with a due time per chunk.
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def feed() -> None:
            nonlocal record
            try:
                while data := await source.read(CHUNK):
                    if record:
                        self.first_lines.append(data.split(b"\r\n", 1)[0])
                        record = False
                    queue.put_nowait((max(loop.time(), not_before) + self.rtt / 2, data))
            except OSError:
                pass
            queue.put_nowait((max(loop.time(), not_before) + self.rtt / 2, b""))

        feeder = asyncio.create_task(feed())
        try:
            while True:
                due, data = await queue.get()
                if (wait := due - loop.time()) > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if sink.can_write_eof():
                        sink.write_eof()
                    break
                sink.write(data)
                await sink.drain()
        except OSError:
            pass  # the other side has gone: nothing left to forward
        finally:
            feeder.cancel()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        handler = asyncio.current_task()
        if handler is not None:
            self._handlers.add(handler)
            handler.add_done_callback(self._handlers.discard)
        handshake_done = asyncio.get_running_loop().time() + self.rtt
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(LOOPBACK, self.target_port)
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(
                self._pump(client_reader, upstream_writer, handshake_done, record=True),
                self._pump(upstream_reader, client_writer, 0.0),
            )
        except asyncio.CancelledError:
            pass  # stop(): the proxy is closing with the connection still open
        finally:
            for writer in (client_writer, upstream_writer):
                writer.close()

    @property
    def used(self) -> int:
        """Connections that carried at least one byte from the client."""
        return len(self.first_lines)

    async def _listen(self) -> int:
        self._server = await asyncio.start_server(self._handle, LOOPBACK, 0)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def start(self) -> DelayProxy:
        self._thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            # The connections still open (a browser keeps idle ones): cancelled, and waited for.
            for task in self._handlers:
                task.cancel()
            await asyncio.gather(*self._handlers, return_exceptions=True)

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> DelayProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
