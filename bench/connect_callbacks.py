#!/usr/bin/env python3
"""Fire N OAuth connect callbacks at a PostFuze server at once, and time them.

Used by bench/connect_bench.sh; Python 3 standard library only. Figures only, never pass/fail
(the exit status is 0 unless the preparation itself fails).

1. Prepare (with --prepare-concurrency worker threads): for each of N callbacks,
   POST /api/v1/social-networks/<platform>/auth-url, then GET the returned auth_url at the platform
   simulator, whose auto_approve scenario answers 302 with Location = the server's callback URL carrying
   a fresh code and the sealed state. The simulator's codes live 10 minutes and the states 10 minutes,
   so preparing them all first is fine.
2. Fire (asyncio, raw sockets): open N connections to the server, wait until every one is open, then
   write every GET /api/v1/connect/callback?code=…&state=… in one tight loop before reading anything,
   so all N are in flight together. Each answer is read to the end of its body.

Prints wall time (first request written -> last answer read), callbacks/s, latency p50/p95/p99/max
(per request: written -> answer read), how many answered 303 with status=connected, and the failures
grouped by status and error. --json-out writes the same figures as JSON.
"""

import argparse
import asyncio
import collections
import concurrent.futures
import http.client
import json
import sys
import threading
import time
import urllib.parse


def log(msg):
    print(f"connect_callbacks: {msg}", file=sys.stderr, flush=True)


# --- preparation --------------------------------------------------------------------------------------------

class Preparer:
    """One keep-alive http.client connection per worker thread to the server and to the simulator."""

    def __init__(self, server, key, platform, body, timeout):
        self.server = urllib.parse.urlsplit(server)
        self.key = key
        self.platform = platform
        self.body = json.dumps(body).encode()
        self.timeout = timeout
        self.local = threading.local()
        self.callback_prefix = server.rstrip("/") + "/api/v1/connect/callback?"

    def _conn(self, name, host, port):
        conns = self.local.__dict__.setdefault("conns", {})
        key = (name, host, port)
        if key not in conns:
            conns[key] = http.client.HTTPConnection(host, port, timeout=self.timeout)
        return conns[key]

    def _request(self, name, host, port, method, target, body=None, headers=None):
        for attempt in (1, 2):  # one retry on a connection the peer closed while idle
            conn = self._conn(name, host, port)
            try:
                conn.request(method, target, body=body, headers=headers or {})
                res = conn.getresponse()
                data = res.read()
                return res.status, res.getheader("Location"), data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                del self.local.conns[(name, host, port)]
                if attempt == 2:
                    raise

    def one(self, _index):
        status, _, data = self._request(
            "server", self.server.hostname, self.server.port, "POST",
            f"/api/v1/social-networks/{self.platform}/auth-url", self.body,
            {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"})
        if status != 200:
            raise RuntimeError(f"auth-url answered {status}: {data[:300]!r}")
        auth_url = urllib.parse.urlsplit(json.loads(data)["auth_url"])
        target = auth_url.path + ("?" + auth_url.query if auth_url.query else "")
        status, location, data = self._request("sim", auth_url.hostname, auth_url.port, "GET", target)
        if status != 302 or not location:
            raise RuntimeError(f"simulator authorize answered {status} (Location {location!r}): {data[:300]!r}")
        if not location.startswith(self.callback_prefix):
            raise RuntimeError(f"simulator redirected to {location!r}, not to {self.callback_prefix}…")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        if "code" not in query or "state" not in query:
            raise RuntimeError(f"simulator redirect carries no code and state: {location!r}")
        split = urllib.parse.urlsplit(location)
        return split.path + "?" + split.query


def prepare(args):
    body = {"tenant_id": args.tenant_id}
    if args.redirect_uri:
        body["redirect_uri"] = args.redirect_uri
    prep = Preparer(args.server, args.key, args.platform, body, args.timeout)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.prepare_concurrency) as pool:
        targets = list(pool.map(prep.one, range(args.count)))
    return targets, time.perf_counter() - started


# --- the burst ----------------------------------------------------------------------------------------------

async def read_answer(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    return status, headers, body


def classify(status, headers):
    """'connected' for the expected answer, else a short failure label."""
    location = headers.get("location", "")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    result = query.get("status", [""])[0]
    if status == 303 and result == "connected":
        return "connected"
    label = f"HTTP {status}"
    if result:
        label += f" status={result}"
    if "error" in query:
        label += f" error={query['error'][0]}"
    return label


async def burst(host, port, targets, timeout):
    n = len(targets)
    # 1. Open every connection first (in parallel), so the burst measures callbacks, not handshakes.
    t_open = time.perf_counter()
    opened = await asyncio.gather(*(asyncio.wait_for(asyncio.open_connection(host, port), timeout)
                                    for _ in range(n)), return_exceptions=True)
    open_s = time.perf_counter() - t_open
    conns = [c for c in opened if not isinstance(c, BaseException)]
    open_failures = collections.Counter(type(c).__name__ for c in opened if isinstance(c, BaseException))

    # 2. Write every request before reading any answer.
    requests = [
        (f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: connect_callbacks.py\r\n"
         f"Accept: */*\r\nConnection: close\r\n\r\n").encode()
        for target in targets[:len(conns)]
    ]
    sent = [0.0] * len(conns)
    for i, ((_, writer), req) in enumerate(zip(conns, requests)):
        writer.write(req)
        sent[i] = time.perf_counter()
    last_sent = max(sent) if sent else 0.0

    # 3. Read every answer.
    async def finish(i):
        reader, writer = conns[i]
        try:
            status, headers, _ = await asyncio.wait_for(read_answer(reader), timeout)
            return time.perf_counter(), classify(status, headers)
        except Exception as e:  # a timeout, a reset, a short read: count it as a failure by kind
            return time.perf_counter(), f"{type(e).__name__}"
        finally:
            writer.close()

    done = await asyncio.gather(*(finish(i) for i in range(len(conns))))
    for _, writer in conns:
        try:
            await writer.wait_closed()
        except Exception:
            pass
    return {
        "open_s": open_s,
        "open_failures": open_failures,
        "sent": sent,
        "last_sent": last_sent,
        "done": done,
    }


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil(n * p / 100)
    return sorted_values[int(rank) - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", required=True, help="PostFuze base URL, e.g. http://127.0.0.1:8080")
    ap.add_argument("--key", required=True, help="API key with accounts:write")
    ap.add_argument("--platform", default="pinterest")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--redirect-uri", default="http://app.test:8080/connected",
                    help="allow-listed result redirect (the callback then answers 303); '' for the hosted page")
    ap.add_argument("--tenant-id", default="user_42")
    ap.add_argument("--prepare-concurrency", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per connection / request")
    ap.add_argument("--json-out", help="also write the figures here as JSON")
    args = ap.parse_args()

    log(f"preparing {args.count} callback URLs (auth-url + simulator authorize, "
        f"{args.prepare_concurrency} at a time)")
    try:
        targets, prep_s = prepare(args)
    except Exception as e:
        log(f"preparation failed: {type(e).__name__}: {e}")
        return 1
    log(f"prepared {len(targets)} in {prep_s:.2f} s; opening {len(targets)} connections, then firing")

    server = urllib.parse.urlsplit(args.server)
    r = asyncio.run(burst(server.hostname, server.port, targets, args.timeout))

    sent, done = r["sent"], r["done"]
    t0 = min(sent) if sent else 0.0
    latencies = sorted((d - s) * 1000.0 for s, (d, _) in zip(sent, done))
    outcomes = collections.Counter(label for _, label in done)
    for name, k in r["open_failures"].items():
        outcomes[f"connect failed: {name}"] += k
    connected = outcomes.pop("connected", 0)
    wall_s = (max(d for d, _ in done) - t0) if done else float("nan")
    first_answer_ms = (min(d for d, _ in done) - t0) * 1000.0 if done else float("nan")
    send_spread_ms = (r["last_sent"] - t0) * 1000.0 if sent else float("nan")

    figures = {
        "count": args.count,
        "in_flight": len(sent),
        "prepare_s": round(prep_s, 3),
        "open_s": round(r["open_s"], 3),
        "send_spread_ms": round(send_spread_ms, 2),
        "first_answer_ms": round(first_answer_ms, 1),
        "wall_s": round(wall_s, 3),
        "callbacks_per_s": round(len(done) / wall_s, 1) if done and wall_s > 0 else 0.0,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(latencies[-1], 1) if latencies else float("nan"),
        "connected": connected,
        "failures": dict(outcomes),
    }

    print(f"  prepared {len(targets)} callback URLs in {prep_s:.2f} s "
          f"({args.prepare_concurrency} at a time); opened {len(sent)} connections in {r['open_s'] * 1000:.0f} ms")
    print(f"  all {len(sent)} requests written within {send_spread_ms:.1f} ms; "
          f"first answer {first_answer_ms:.0f} ms after the first write"
          + (" (so all were in flight at once)" if first_answer_ms > send_spread_ms else
             " (WARNING: answers began before the last request was written)"))
    print(f"  wall time        {wall_s:.3f} s   ({figures['callbacks_per_s']:.0f} callbacks/s)")
    print(f"  latency          p50 {figures['p50_ms']:.0f} ms   p95 {figures['p95_ms']:.0f} ms   "
          f"p99 {figures['p99_ms']:.0f} ms   max {figures['max_ms']:.0f} ms")
    print(f"  303 connected    {connected} / {args.count}")
    if outcomes:
        print("  failures:")
        for label, k in outcomes.most_common():
            print(f"    {k:6d}  {label}")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(figures, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
