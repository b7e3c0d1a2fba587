#!/usr/bin/env python3
"""A webhook receiver for the end-to-end webhook tests.

It verifies Standard Webhooks signatures with its own implementation (Python
standard library only; it never calls PostFuze code), answers each request
according to a plan, and records every request as one JSON line.

  receiver.py [--secret S]... [--plan LIST] [--then RESPONSE] [--record FILE] [--port N]

--secret   repeatable. "whsec_" + base64 stands for the decoded key bytes;
           anything else is used as its raw UTF-8 bytes.
--plan     comma list of responses applied in order to successive requests,
           e.g. "500,500,429:7,200". A response is a status with an optional
           ":N" that adds "Retry-After: N" and an optional "/B" for a body of
           B bytes (e.g. "200/100000"), or "hang" (hold the connection
           without answering). 3xx answers carry "Location: /redirected".
--then     the response once the plan is used up (default 200).
--record   file to append one JSON object per request to (flushed each time).
--port     port to bind on 127.0.0.1 (default 0: any free port).

On start the bound port is printed as the first line of stdout. SIGTERM ends
the process (after any record being written is complete).
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_S = 5 * 60


def decode_secret(secret):
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_"):], validate=True)
    return secret.encode("utf-8")


def parse_response(text):
    text = text.strip()
    if text == "hang":
        return {"hang": True, "status": 0, "retry_after": None, "body_bytes": None}
    text, _, body_bytes = text.partition("/")
    status, _, retry_after = text.partition(":")
    return {
        "hang": False,
        "status": int(status),
        "retry_after": retry_after or None,
        "body_bytes": int(body_bytes) if body_bytes else None,
    }


def verify_signatures(keys, msg_id, timestamp, body, header):
    """For each signature in the header: which keys (by index) it verifies against."""
    signed = msg_id.encode("utf-8") + b"." + timestamp.encode("utf-8") + b"." + body
    expected = [base64.b64encode(hmac.new(k, signed, hashlib.sha256).digest()).decode("ascii") for k in keys]
    out = []
    for part in header.split(" "):
        if not part:
            continue
        version, _, signature = part.partition(",")
        verified_by = []
        if version == "v1":
            for index, want in enumerate(expected):
                if hmac.compare_digest(want.encode("ascii"), signature.encode("utf-8")):
                    verified_by.append(index)
        out.append({"signature": part, "version": version, "verified_by": verified_by})
    return out


def timestamp_fresh(timestamp):
    try:
        value = int(timestamp)
    except ValueError:
        return False
    return abs(time.time() - value) <= TOLERANCE_S


class State:
    def __init__(self, keys, plan, then, record_path):
        self.keys = keys
        self.plan = plan
        self.then = then
        self.next = 0
        self.lock = threading.Lock()
        self.record = open(record_path, "a", encoding="utf-8") if record_path else None

    def take_response(self):
        with self.lock:
            index = self.next
            self.next += 1
        return (self.plan[index] if index < len(self.plan) else self.then), index

    def write(self, entry):
        if self.record is None:
            return
        line = json.dumps(entry, sort_keys=True) + "\n"
        with self.lock:
            self.record.write(line)
            self.record.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "WebhookTestReceiver/1.0"

    def log_message(self, fmt, *args):  # keep stderr for real problems
        pass

    def do_POST(self):
        self.handle_request()

    def do_GET(self):
        self.handle_request()

    def do_PUT(self):
        self.handle_request()

    def handle_request(self):
        state = self.server.state
        received = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        response, index = state.take_response()

        msg_id = self.headers.get("webhook-id") or ""
        timestamp = self.headers.get("webhook-timestamp") or ""
        signature = self.headers.get("webhook-signature") or ""
        event_type = None
        try:
            parsed = json.loads(body.decode("utf-8"))
            if isinstance(parsed, dict) and isinstance(parsed.get("type"), str):
                event_type = parsed["type"]
        except (UnicodeDecodeError, ValueError):
            parsed = None
        state.write(
            {
                "index": index,
                "method": self.command,
                "path": self.path,
                "webhook_id": msg_id,
                "webhook_timestamp": timestamp,
                "signature_header": signature,
                "signatures": verify_signatures(state.keys, msg_id, timestamp, body, signature),
                "timestamp_fresh": timestamp_fresh(timestamp),
                "content_type": self.headers.get("Content-Type") or "",
                "user_agent": self.headers.get("User-Agent") or "",
                "body": body.decode("utf-8", errors="replace"),
                "type": event_type,
                "received_at": received,
                "responded": response["status"],
            }
        )

        if response["hang"]:
            time.sleep(60)
            return
        if response["body_bytes"] is not None:
            payload = b"x" * response["body_bytes"]
        else:
            payload = b'{"ok":true}' if 200 <= response["status"] < 300 else b"{}"
        try:
            self.send_response(response["status"])
            if response["retry_after"] is not None:
                self.send_header("Retry-After", response["retry_after"])
            if 300 <= response["status"] < 400:
                self.send_header("Location", "/redirected")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--secret", action="append", default=[])
    parser.add_argument("--plan", default="")
    parser.add_argument("--then", default="200")
    parser.add_argument("--record", default=None)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    keys = [decode_secret(s) for s in args.secret]
    plan = [parse_response(p) for p in args.plan.split(",") if p.strip()]
    state = State(keys, plan, parse_response(args.then), args.record)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = state

    def on_term(signum, frame):
        # Wait for a record being written, then leave at once (handler threads may be hanging).
        with state.lock:
            if state.record is not None:
                state.record.flush()
            os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    sys.stdout.write("%d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever(poll_interval=0.05)


if __name__ == "__main__":
    main()
