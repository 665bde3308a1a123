"""A small SMTP server on loopback, for the outbox tests and the load benchmark.

    with SmtpServer(mode="stall") as smtp:     # accepts connections and never answers
        ...
        smtp.mode = "ok"                        # recovers: answers and keeps every message
        smtp.messages                           # [email.message.EmailMessage, ...]

Modes: ``ok`` speaks enough SMTP for smtplib (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps
each message; ``stall`` accepts a connection and says nothing; ``stall_after_data`` keeps the
message (as a real server may have) but never confirms it; ``refuse`` answers 451 to MAIL FROM.
A stalled connection is closed when the mode changes or the server stops.
"""

from __future__ import annotations

import socketserver
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def _stall(self, mode: str) -> None:
        owner = self.server.owner
        while owner.mode == mode and not owner.stopping.is_set():
            time.sleep(0.05)

    def handle(self) -> None:
        owner = self.server.owner
        with owner.lock:
            owner.connections += 1
        if owner.mode == "stall":
            self._stall("stall")
            return
        self._say("220 essaim-test ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._say("250 essaim-test")
            elif command.startswith("MAIL FROM"):
                self._say("451 try later" if owner.mode == "refuse" else "250 OK")
            elif command.startswith(("RCPT TO", "RSET", "NOOP")):
                self._say("250 OK")
            elif command == "DATA":
                self._say("354 go ahead")
                self._data(owner)
                if owner.mode == "stall_after_data":
                    self._stall("stall_after_data")
                    return
                time.sleep(owner.delay)
                self._say("250 queued")
            elif command == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")

    def _data(self, owner: SmtpServer) -> None:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        message = message_from_bytes(b"".join(lines), policy=policy.default)
        with owner.lock:
            owner.messages.append(message)  # type: ignore[arg-type]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: SmtpServer


class SmtpServer:
    def __init__(self, mode: str = "ok"):
        self.mode = mode
        self.messages: list[EmailMessage] = []
        self.connections = 0
        self.delay = 0.0  # seconds before confirming each message
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
