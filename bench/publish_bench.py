#!/usr/bin/env python3
"""Publishing figures for PostFuze against the platform simulator's X. Used by bench/publish_bench.sh.

Python 3 standard library only. Figures only, never pass/fail: the exit status is non-zero only when the
set-up itself fails (an account does not connect, a post is refused).

1. Connect N distinct X accounts through the real OAuth flow: for each, set the simulator's `user` knob
   to a new identity (bench-x-NNN), POST /api/v1/social-networks/x/auth-url, GET the auth_url at the
   simulator (consent auto_approve → 302 to our callback), GET the callback (303 status=connected).
2. Set the simulator's X publish_delay_ms (default 200), then, R times, one post to all N accounts:
   the POST /api/v1/posts answer time, the time until GET /api/v1/posts/{id} (polled every --poll-ms)
   says `published`, and when the first and the last of the N tweets were created at the simulator
   (its /_sim/posts created_at, milliseconds, same wall clock). Median/min/max over the R runs.
3. POST /api/v1/posts throughput with --concurrency requests in flight on keep-alive connections
   (asyncio, raw sockets, one request per connection at a time):
   a. --drafts single-account text posts with is_draft true (nothing is queued);
   b. --immediate single-account text posts to ONE account, published at once (publish_delay_ms 0),
      so the publish worker is woken by every create and runs beside the API.
   Requests/s, latency p50/p90/p99/max, status counts, and the CPU seconds the server, the simulator
   and this client spent (to see who was the bottleneck on shared cores).
"""

import argparse
import asyncio
import http.client
import json
import os
import sqlite3
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import datetime


def log(msg):
    print(f"publish_bench: {msg}", file=sys.stderr, flush=True)


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process (all threads), seconds; None if unknown."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except OSError:
        return None


def machine_cpu():
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


class Cpu:
    """CPU seconds spent by the server, the simulator and this process over a phase, and by the whole
    machine (other processes on the shared cores show up as `others`)."""

    def __init__(self, server_pid, sim_pid):
        self.pids = {"server": server_pid, "sim": sim_pid}

    def __enter__(self):
        self.t0 = time.perf_counter()
        self.c0 = {k: cpu_seconds(p) for k, p in self.pids.items()}
        self.self0 = time.process_time()
        self.m0 = machine_cpu()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t0
        self.used = {}
        for k, p in self.pids.items():
            c1 = cpu_seconds(p)
            self.used[k] = None if c1 is None or self.c0[k] is None else c1 - self.c0[k]
        self.used["client"] = time.process_time() - self.self0
        m1 = machine_cpu()
        if self.m0 and m1:
            busy = (m1[0] - self.m0[0]) / CLK_TCK
            self.cores = (m1[1] - self.m0[1]) / CLK_TCK / self.wall if self.wall else 0
            self.used["others"] = max(0.0, busy - sum(v for v in self.used.values() if v is not None))
            self.used["machine_idle"] = max(0.0, (m1[1] - self.m0[1] - (m1[0] - self.m0[0])) / CLK_TCK)
        return False

    def text(self):
        parts = []
        for k in ("server", "sim", "client", "others", "machine_idle"):
            v = self.used.get(k)
            if v is not None:
                parts.append(f"{k.replace('machine_', '')} {100 * v / self.wall:.0f}%")
        return f"CPU (% of one core) over {self.wall:.2f} s: " + ", ".join(parts)


# --- blocking HTTP (set-up, polling) -------------------------------------------------------------------------

class Client:
    """One keep-alive http.client connection per host:port per thread."""

    def __init__(self, timeout=30):
        self.timeout = timeout
        self.local = threading.local()

    def request(self, base, method, target, body=None, headers=None):
        u = urllib.parse.urlsplit(base)
        conns = self.local.__dict__.setdefault("conns", {})
        key = (u.hostname, u.port)
        data = None
        hdrs = dict(headers or {})
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        for attempt in (1, 2):  # one retry on a connection the peer closed while idle
            conn = conns.get(key)
            if conn is None:
                conn = conns[key] = http.client.HTTPConnection(u.hostname, u.port, timeout=self.timeout)
            try:
                conn.request(method, target, body=data, headers=hdrs)
                res = conn.getresponse()
                payload = res.read()
                return res.status, res.getheader("Location"), payload
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                del conns[key]
                if attempt == 2:
                    raise


def target_of(url):
    u = urllib.parse.urlsplit(url)
    return (u.path or "/") + ("?" + u.query if u.query else "")


def pct(values, p):
    """Nearest-rank percentile of a list (p in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def parse_ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


class Bench:
    def __init__(self, a):
        self.a = a
        self.http = Client()
        self.auth = {"Authorization": f"Bearer {a.key}"}
        self.results = {}

    # server and simulator calls
    def api(self, method, target, body=None, expect=(200,)):
        status, location, data = self.http.request(self.a.server, method, target, body, self.auth)
        if status not in expect:
            raise RuntimeError(f"{method} {target} answered {status}: {data[:500]!r}")
        return json.loads(data) if data else None

    def sim(self, method, target, body=None, expect=(200,)):
        status, _, data = self.http.request(self.a.sim, method, target, body)
        if status not in expect:
            raise RuntimeError(f"simulator {method} {target} answered {status}: {data[:500]!r}")
        return json.loads(data) if data else None

    # --- 1. accounts -------------------------------------------------------------------------------------------
    def connect_accounts(self):
        a = self.a
        callback = a.server.rstrip("/") + "/api/v1/connect/callback"
        self.api("POST", "/api/v1/social-networks",
                 {"platform": "x", "client_id": "bench-x-client", "client_secret": "bench-x-secret"}, (200, 201))
        self.sim("POST", "/_sim/apps", {"platform": "x", "client_id": "bench-x-client",
                                        "client_secret": "bench-x-secret", "redirect_uri": callback}, (201,))
        body = {"redirect_uri": a.redirect_uri, "tenant_id": "publish-bench"}
        ids = []
        t0 = time.perf_counter()
        for i in range(a.accounts):
            n = f"{i + 1:03d}"
            self.sim("POST", "/_sim/scenario", {"platform": "x", "consent": "auto_approve",
                                                "user": {"id": f"bench-x-{n}", "username": f"bench_x_{n}",
                                                         "name": f"Bench X {n}"}})
            auth_url = self.api("POST", "/api/v1/social-networks/x/auth-url", body)["auth_url"]
            status, location, data = self.http.request(a.sim, "GET", target_of(auth_url))
            if status != 302 or not location:
                raise RuntimeError(f"simulator authorize answered {status}: {data[:300]!r}")
            status, location, data = self.http.request(a.server, "GET", target_of(location))
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(location or "").query)
            if status != 303 or q.get("status") != ["connected"] or "account_id" not in q:
                raise RuntimeError(f"callback {i + 1} answered {status} {location}: {data[:300]!r}")
            ids.append(q["account_id"][0])
        wall = time.perf_counter() - t0
        self.sim("POST", "/_sim/scenario", {"platform": "x", "user": None})
        if len(set(ids)) != len(ids):
            raise RuntimeError(f"{len(ids)} connects gave only {len(set(ids))} distinct accounts")
        self.accounts = ids
        self.results["connect"] = {"accounts": len(ids), "wall_s": round(wall, 3),
                                   "per_connect_ms": round(1000 * wall / len(ids), 1)}
        print(f"connected {len(ids)} distinct X accounts (sequential OAuth round trips, simulator user knob "
              f"bench-x-001..{len(ids):03d}) in {wall:.2f} s, {1000 * wall / len(ids):.1f} ms each", flush=True)

    # --- 2. fan-out --------------------------------------------------------------------------------------------
    def fan_out(self):
        a = self.a
        self.sim("POST", "/_sim/scenario", {"platform": "x", "publish_delay_ms": a.delay_ms})
        runs = []
        print(f"\n== one post to {len(self.accounts)} X accounts, simulator publish_delay_ms {a.delay_ms} "
              f"(X per_app_concurrency {a.per_app}), GET /posts/{{id}} every {a.poll_ms} ms ==", flush=True)
        print(f"{'run':>4} {'POST answer':>12} {'first tweet':>12} {'last tweet':>11} {'published':>10} "
              f"{'status':>10} {'tweets':>7}", flush=True)
        nonce = uuid.uuid4().hex[:8]
        for r in range(a.repeats):
            text = f"publish bench fan-out {nonce} run {r + 1}"
            with Cpu(a.server_pid, a.sim_pid) as cpu:
                wall0 = time.time()
                t0 = time.perf_counter()
                post = self.api("POST", "/api/v1/posts", {"accounts": self.accounts, "content": text}, (201,))
                t_answer = time.perf_counter() - t0
                pid = post["id"]
                status = post.get("status")
                deadline = t0 + a.timeout
                while status not in ("published", "partial", "failed") and time.perf_counter() < deadline:
                    time.sleep(a.poll_ms / 1000)
                    post = self.api("GET", f"/api/v1/posts/{pid}")
                    status = post.get("status")
                t_published = time.perf_counter() - t0
            if status not in ("published", "partial", "failed"):
                counts = {}
                for t in post.get("targets", []):
                    counts[t.get("status")] = counts.get(t.get("status"), 0) + 1
                log(f"post {pid} still {status} after {a.timeout:.0f} s; its targets: {counts}")
                self.unsettled = post
            tweets = [p for p in self.sim("GET", "/_sim/posts?platform=x") if p.get("text") == text]
            created = sorted(parse_ts(p["created_at"]) - wall0 for p in tweets)
            row = {"post_answer_ms": 1000 * t_answer,
                   "first_tweet_ms": 1000 * created[0] if created else None,
                   "last_tweet_ms": 1000 * created[-1] if created else None,
                   "published_ms": 1000 * t_published if status == "published" else None,
                   "status": status, "tweets": len(tweets),
                   "cpu": {k: round(v, 3) for k, v in cpu.used.items() if v is not None}}
            runs.append(row)
            f = lambda v: "-" if v is None else f"{v:.0f} ms"
            print(f"{r + 1:>4} {f(row['post_answer_ms']):>12} {f(row['first_tweet_ms']):>12} "
                  f"{f(row['last_tweet_ms']):>11} {f(row['published_ms']):>10} {status:>10} "
                  f"{len(tweets):>4}/{len(self.accounts)}   {cpu.text()}", flush=True)
            time.sleep(a.pause_s)

        def summary(key):
            v = [r[key] for r in runs if r[key] is not None]
            if not v:
                return None
            return {"median": round(statistics.median(v), 1), "min": round(min(v), 1), "max": round(max(v), 1)}

        out = {k: summary(k) for k in ("post_answer_ms", "first_tweet_ms", "last_tweet_ms", "published_ms")}
        batches = -(-len(self.accounts) // a.per_app)
        out["floor_ms"] = batches * a.delay_ms
        out["runs"] = runs
        self.results["fan_out"] = out
        print(f"median (min–max) over {len(runs)} runs:", flush=True)
        for key, label in (("post_answer_ms", "POST /posts answered"), ("first_tweet_ms", "first tweet created"),
                           ("last_tweet_ms", f"all {len(self.accounts)} tweets created"),
                           ("published_ms", "GET /posts/{id} says published")):
            s = out[key]
            print(f"  {label:<34} " + ("-" if not s else f"{s['median']:.0f} ms ({s['min']:.0f}–{s['max']:.0f})"),
                  flush=True)
        print(f"  floor: ceil({len(self.accounts)}/{a.per_app}) x {a.delay_ms} ms = {out['floor_ms']} ms "
              f"(creates in flight per X app are capped at {a.per_app})", flush=True)

    # --- 3. throughput -----------------------------------------------------------------------------------------
    async def _blast(self, bodies, concurrency):
        u = urllib.parse.urlsplit(self.a.server)
        host = f"{u.hostname}:{u.port}"
        head = (f"POST /api/v1/posts HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {self.a.key}\r\n"
                f"Content-Type: application/json\r\n").encode()
        requests = [head + f"Content-Length: {len(b)}\r\n\r\n".encode() + b for b in bodies]
        latencies = []
        statuses = {}
        errors = []
        next_index = 0

        async def worker():
            nonlocal next_index
            reader, writer = await asyncio.open_connection(u.hostname, u.port)
            try:
                while next_index < len(requests):
                    i = next_index
                    next_index += 1
                    t = time.perf_counter()
                    writer.write(requests[i])
                    status_line = await reader.readline()
                    length = 0
                    while True:
                        line = await reader.readline()
                        if line in (b"\r\n", b""):
                            break
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value)
                    if length:
                        await reader.readexactly(length)
                    latencies.append(time.perf_counter() - t)
                    code = int(status_line.split()[1]) if status_line else 0
                    statuses[code] = statuses.get(code, 0) + 1
                    if not status_line:
                        errors.append("connection closed")
                        return
            finally:
                writer.close()

        t0 = time.perf_counter()
        results = await asyncio.gather(*(worker() for _ in range(concurrency)), return_exceptions=True)
        wall = time.perf_counter() - t0
        errors += [repr(r) for r in results if isinstance(r, BaseException)]
        return wall, latencies, statuses, errors

    def throughput(self, name, label, bodies, concurrency):
        a = self.a
        with Cpu(a.server_pid, a.sim_pid) as cpu:
            wall, lat, statuses, errors = asyncio.run(self._blast(bodies, concurrency))
        ms = [1000 * x for x in lat]
        ok = sum(n for s, n in statuses.items() if s == 201)
        row = {"requests": len(bodies), "concurrency": concurrency, "wall_s": round(wall, 3),
               "req_per_s": round(len(lat) / wall, 1) if wall else None,
               "p50_ms": round(pct(ms, 50), 2), "p90_ms": round(pct(ms, 90), 2), "p99_ms": round(pct(ms, 99), 2),
               "max_ms": round(max(ms), 2) if ms else None, "statuses": {str(k): v for k, v in statuses.items()},
               "errors": errors[:5], "cpu": {k: round(v, 3) for k, v in cpu.used.items() if v is not None}}
        self.results[name] = row
        print(f"{label:<44} {row['req_per_s']:>9} {row['p50_ms']:>8.1f} {row['p90_ms']:>8.1f} "
              f"{row['p99_ms']:>8.1f} {row['max_ms']:>8.1f}   201: {ok}/{len(bodies)}"
              + (f", other: { {k: v for k, v in statuses.items() if k != 201} }" if ok != len(bodies) else "")
              + (f", errors: {errors[:3]}" if errors else ""), flush=True)
        print(f"{'':<44} {cpu.text()}", flush=True)

    def throughputs(self):
        a = self.a
        nonce = uuid.uuid4().hex[:8]
        one = self.accounts[0]
        c = a.concurrency
        print(f"\n== POST /api/v1/posts throughput, {c} in flight (keep-alive, asyncio client) ==", flush=True)
        print(f"{'case':<44} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}", flush=True)

        def draft(i, tag):
            return json.dumps({"accounts": [self.accounts[i % len(self.accounts)]],
                               "content": f"draft {tag} {nonce} {i}", "is_draft": True}).encode()

        # Warm-up (connections, caches, the SQLite page cache); not counted.
        asyncio.run(self._blast([draft(i, "warm") for i in range(min(200, a.drafts))], c))
        self.throughput("drafts", f"{a.drafts} drafts (is_draft, 1 account each)",
                        [draft(i, "d") for i in range(a.drafts)], c)
        if a.immediate:
            self.sim("POST", "/_sim/scenario", {"platform": "x", "publish_delay_ms": 0})
            bodies = [json.dumps({"accounts": [one], "content": f"now {nonce} {i}"}).encode()
                      for i in range(a.immediate)]
            self.throughput("immediate", f"{a.immediate} immediate posts to 1 account", bodies, c)
            time.sleep(a.settle_s)
            self.queue_state("queue_after_immediate", f"{a.settle_s:.0f} s after the immediate run")

    def queue_state(self, name, when):
        if not self.a.db:
            return
        try:
            db = sqlite3.connect(f"file:{self.a.db}?mode=ro", uri=True, timeout=10)
            # A target that failed with a retry scheduled is `failed` with a due_at (retry_policy.hpp).
            rows = db.execute("SELECT CASE WHEN status = 'failed' AND due_at IS NOT NULL THEN 'failed, retry due' "
                              "ELSE status END, count(*) FROM post_targets WHERE post_id IN "
                              "(SELECT id FROM posts WHERE is_draft = 0) GROUP BY 1").fetchall()
            attempts = db.execute("SELECT outcome, count(*) FROM post_attempts GROUP BY outcome").fetchall()
        except sqlite3.Error as e:
            log(f"could not read the store: {e}")
            return
        self.results[name] = {"targets": dict(rows), "attempts": dict(attempts)}
        print(f"  non-draft targets {when}: {dict(rows)}; attempts by outcome: {dict(attempts)}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--server", required=True)
    p.add_argument("--sim", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--redirect-uri", required=True)
    p.add_argument("--accounts", type=int, default=100)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--delay-ms", type=int, default=200)
    p.add_argument("--per-app", type=int, default=8, help="the catalogue's X per_app_concurrency (for the floor)")
    p.add_argument("--poll-ms", type=float, default=10)
    p.add_argument("--pause-s", type=float, default=1.0, help="pause between fan-out runs")
    p.add_argument("--timeout", type=float, default=60, help="seconds a fan-out post may take to settle")
    p.add_argument("--drafts", type=int, default=2000)
    p.add_argument("--immediate", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--settle-s", type=float, default=3.0)
    p.add_argument("--server-pid", type=int)
    p.add_argument("--sim-pid", type=int)
    p.add_argument("--db", help="the server's SQLite file (read-only, for the queue state)")
    p.add_argument("--json-out")
    a = p.parse_args()

    b = Bench(a)
    b.connect_accounts()
    if a.repeats:
        b.fan_out()
    if a.drafts:
        b.throughputs()
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(b.results, f, indent=1)


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:
        log(str(e))
        sys.exit(1)
