#!/usr/bin/env python3
"""A thread-per-connection HTTP server with a large listen backlog, for issue 16's validation.

The same server as `python3 -m http.server` (http.server.ThreadingHTTPServer with
SimpleHTTPRequestHandler, so HTTP/1.0 and one request per connection: the handler's
protocol_version is "HTTP/1.0" by default), except that it calls listen(4096) instead of
socketserver.TCPServer's listen(5). Linux caps the backlog at net.core.somaxconn.

    python3 validation/servers/threaded_server.py PORT DIRECTORY

Binds 127.0.0.1 only. Standard library only.
"""

import functools
import http.server
import sys


class ThreadedBacklogServer(http.server.ThreadingHTTPServer):
    request_queue_size = 4096


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


def main() -> None:
    port = int(sys.argv[1])
    directory = sys.argv[2]
    handler = functools.partial(QuietHandler, directory=directory)
    with ThreadedBacklogServer(("127.0.0.1", port), handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
