"""A recording stand-in for Twilio's REST API and Telegram's Bot API, on loopback.

Both are internet services; tests point the channels' API base URLs here and
read back what the bot would have sent.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Recorded:
    """One request the fake API received."""

    method: str
    path: str
    headers: Dict[str, str]
    fields: Dict[str, Any]


def _parse_fields(content_type: str, body: bytes) -> Dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        parts = message.iter_parts()
        return {part.get_param("name", header="content-disposition"): part.get_content() for part in parts}
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def twilio_answer(request: Recorded) -> Dict[str, Any]:
    """What Twilio answers to a message creation (only the fields its client reads)."""
    return {
        "sid": f"SM{abs(hash((request.path, str(request.fields), time.time()))):032x}"[:34],
        "status": "queued",
        "to": request.fields.get("To"),
        "from": request.fields.get("From"),
        "body": request.fields.get("Body"),
        "num_segments": "1",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
    }


def telegram_answer(request: Recorded) -> Dict[str, Any]:
    """What the Bot API answers to the methods the channel calls."""
    method = request.path.rsplit("/", 1)[-1]
    if method == "getMe":
        result: Any = {"id": 424242, "is_bot": True, "first_name": "Atende", "username": "atende_teste_bot"}
    elif method == "sendMessage":
        chat_id = int(request.fields.get("chat_id", 0))
        result = {
            "message_id": int(time.time() * 1000) % 1_000_000,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": request.fields.get("text", ""),
        }
    else:
        result = True
    return {"ok": True, "result": result}


class FakeApi:
    """A threaded HTTP server that records every request and answers with ``answer(request)``.

    Args:
        answer: Builds the JSON body of the answer for a recorded request, or (status, body).
        status: HTTP status of every answer (201 like Twilio's creations, 200 like Telegram).
    """

    def __init__(self, answer: Callable[[Recorded], Any], status: int = 200) -> None:
        self.requests: List[Recorded] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                recorded = Recorded(
                    "POST",
                    urlsplit(self.path).path,
                    dict(self.headers.items()),
                    _parse_fields(self.headers.get("Content-Type", ""), body),
                )
                with fake._lock:
                    fake.requests.append(recorded)
                answered = answer(recorded)
                # An answer may carry its own status: (409, {...}) like the Bot API's conflicts.
                code, answered = answered if isinstance(answered, tuple) else (status, answered)
                payload = json.dumps(answered).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeApi":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def calls(self, suffix: str = "") -> List[Recorded]:
        """Requests so far whose path ends with ``suffix``."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith(suffix)]

    def wait_for(self, predicate: Callable[[List[Recorded]], bool], timeout: float = 30.0) -> List[Recorded]:
        """Wait until ``predicate(requests)`` holds; return the requests (raise on timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                snapshot = list(self.requests)
            if predicate(snapshot):
                return snapshot
            time.sleep(0.05)
        raise TimeoutError(f"a API falsa não recebeu o esperado em {timeout} s: {snapshot}")
