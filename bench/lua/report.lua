-- Shared `done` hook: writes wrk's summary as one JSON object to the file named by
-- $BENCH_WRK_RESULT, adding the per-thread counters the endpoint scripts keep.
report_threads = {}

function setup(thread)
  table.insert(report_threads, thread)
end

function done(summary, latency, requests)
  local issued, failures = 0, 0
  for _, thread in ipairs(report_threads) do
    issued = issued + (thread:get("issued") or 0)
    failures = failures + (thread:get("failures") or 0)
  end
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_WRK_RESULT"), "w")
  out:write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d},"latency_us":{"mean":%.1f,"p50":%d,"p99":%d,' ..
    '"max":%d},"issued":%d,"failures":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency:percentile(50), latency:percentile(99), latency.max,
    issued, failures))
  out:close()
end
