-- wrk script for bench/connect_bench.sh: every request is
--   POST <path> with a JSON body and Content-Type: application/json
-- (Authorization comes from wrk's -H). The same request goes to PostFuze's auth-url endpoint and to
-- nginx's static 302, so both sides read the same bytes. No response() callback: it would slow wrk.
wrk.method = "POST"
wrk.body = os.getenv("CONNECT_BENCH_BODY")
  or '{"redirect_uri":"http://app.test:8080/connected","tenant_id":"user_42"}'
wrk.headers["Content-Type"] = "application/json"
