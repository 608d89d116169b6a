#!/usr/bin/env python3
"""The load-test half of the benchmark harness (performance.md); bench/run.sh builds the binary
and the tools, then runs this. Standard library only.

One release binary serves each database with one worker pinned to core 0; wrk (and oha) run
pinned to core 1. Endpoints are measured interleaved over several rounds and every ratio is the
median of its per-round values. Besides throughput it records the server's CPU time per request
from /proc/PID/stat and flags a measurement where the server was less than 95 % busy (then the
generator, not the server, was the limit). The PostgreSQL backends serving the benchmark's
database are moved to core 1 for the run (restored after), and the 1 000 000-certificate file is
read into the OS cache first. Prints one table of ratios last and writes
target/bench/result-TIME.json (and latest.json beside it).
"""

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "bench" / "zerolabel"  # copied there by run.sh
OUT = ROOT / "target" / "bench"
LUA = ROOT / "bench" / "lua"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BUSY_FLOOR = 0.95
SMALL = 1_000
LARGE = 1_000_000
# What seeded certificates and the servers call themselves (QR codes, did:web); requests go to
# the bound port, so one seeded database serves on any port.
PUBLIC_BASE_URL = "http://127.0.0.1:8080"
# The PostgreSQL database the harness drops, creates and seeds.
POSTGRES_DATABASE = "zl_bench_small"


def log(message):
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- processes


def cpu_seconds(pid):
    """User plus system CPU time of a process and its threads, from /proc/PID/stat."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children_cpu_seconds():
    """CPU time of the finished child processes (wrk), to tell whether the generator was full."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def memory_kb(pid, key):
    """VmRSS (resident now) or VmHWM (peak resident) of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {key}")


def http_status(port, path):
    """Status code of a GET on 127.0.0.1:PORT, or None when nothing answers yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            head = conn.recv(64).decode("latin-1")
            return int(head.split()[1])
    except (OSError, IndexError, ValueError):
        return None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`zerolabel serve --workers 1` pinned to core 0 over one database. Rate limits are off
    (the load comes from one address); `cache_mb=0` keeps no verification answers, so every
    scan reads the database and checks the signature: the cold path."""

    def __init__(self, name, database_url, keys_dir, work, cache_mb=16):
        self.name = name
        self.cache_mb = cache_mb
        self.database_url = database_url
        self.keys_dir = keys_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = work / f"server-{name}.log"
        self.process = None
        self.start_ms = None
        self.idle_rss_kb = None

    def args(self):
        return [
            "--database-url", self.database_url,
            "--keys-dir", str(self.keys_dir),
            "--public-base-url", PUBLIC_BASE_URL,
            "--bind", f"127.0.0.1:{self.port}",
            "--rate-limit-verification", "0",
            "--rate-limit-calculator", "0",
            "--scan-cache-mb", str(self.cache_mb),
        ]

    def start(self):
        """Starts the server and times start to the first 200 OK of /readyz."""
        env = dict(os.environ, RUST_LOG="warn")
        command = ["taskset", "-c", "0", str(BIN), "serve", "--workers", "1", *self.args()]
        started = time.monotonic()
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=open(self.log_path, "w")
        )
        while http_status(self.port, "/readyz") != 200:
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.name} stopped; see {self.log_path}")
            if time.monotonic() - started > 30:
                raise RuntimeError(f"server {self.name} not ready after 30 s")
            time.sleep(0.001)
        self.start_ms = (time.monotonic() - started) * 1000
        time.sleep(0.5)
        self.idle_rss_kb = memory_kb(self.process.pid, "VmRSS")
        log(f"{self.name}: ready in {self.start_ms:.1f} ms, idle RSS {self.idle_rss_kb} kB")

    def peak_rss_kb(self):
        return memory_kb(self.process.pid, "VmHWM")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


# ----------------------------------------------------------------------------- databases


def seed(name, database_url, keys_dir, work, count):
    """Issues COUNT certificates with `zerolabel bench-seed`; returns the codes and accounts."""
    codes = work / f"codes-{name}.txt"
    accounts = work / f"accounts-{name}.json"
    command = [
        str(BIN), "bench-seed", "--count", str(count), "--batch", str(max(count // 10, 1)),
        "--database-url", database_url, "--keys-dir", str(keys_dir),
        "--public-base-url", PUBLIC_BASE_URL, "--bind", "127.0.0.1:0",
        "--codes", str(codes), "--accounts", str(accounts),
    ]
    log(f"seeding {count} certificates into {name} ...")
    output = subprocess.run(
        command, check=True, capture_output=True, text=True, env=dict(os.environ, RUST_LOG="warn")
    )
    timing = json.loads(output.stdout.strip().splitlines()[-1])
    log(f"seeded {name}: {timing['seconds']:.1f} s, {timing['certificates_per_second']:.0f}/s")
    return {
        "codes": codes,
        "accounts": json.loads(accounts.read_text()),
        "seed": timing,
    }


def pin_backends(postgres_base_url, database, cores):
    """Moves the PostgreSQL backends serving DATABASE (the pools of the servers under test) to
    CORES; returns {pid: original affinity}. On this 2-core machine those backends would
    otherwise take about a third of core 0 from the server under test; in production PostgreSQL
    runs on machines of its own. Only these backends move, and they end with the servers' pools;
    other databases' backends and the postmaster stay where they are."""
    output = subprocess.run(
        ["psql", f"{postgres_base_url}/postgres", "-At", "-c",
         f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"],
        check=True, capture_output=True, text=True)
    moved = {}
    for pid in (int(line) for line in output.stdout.split()):
        try:
            original = os.sched_getaffinity(pid)
            os.sched_setaffinity(pid, cores)
            moved[pid] = original
        except OSError:
            continue
    return moved


def restore_affinity(moved):
    for pid, original in moved.items():
        try:
            os.sched_setaffinity(pid, original)
        except OSError:
            continue


def stop_on_signals():
    """SIGTERM and SIGHUP end the run like Ctrl-C does, so the servers are stopped and moved
    backends restored on the way out."""
    def leave(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGHUP, leave)


def read_into_os_cache(path):
    """Reads a file once so that the OS keeps it in memory, as it would for a server that has
    been running: the 1M comparison is about indexes, not about this machine's disk."""
    log(f"reading {path.name} into the OS cache ...")
    with open(path, "rb") as file:
        while file.read(1 << 24):
            pass


def fresh_postgres(base_url, name):
    """Drops and creates database NAME on the PostgreSQL server of BASE_URL."""
    admin = f"{base_url}/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True, capture_output=True)
    return f"{base_url}/{name}"


# ----------------------------------------------------------------------------- load


def wrk(server, path, script, script_args, connections, seconds, work):
    """One wrk run against SERVER; returns its summary with the server's CPU use."""
    result_file = work / "wrk-result.json"
    result_file.unlink(missing_ok=True)
    env = dict(os.environ, BENCH_WRK_RESULT=str(result_file), BENCH_LUA_DIR=str(LUA))
    command = [
        "taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
        "-s", str(LUA / script), server.base + path, "--", *script_args,
    ]
    cpu_before = cpu_seconds(server.process.pid)
    generator_before = children_cpu_seconds()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    generator = children_cpu_seconds() - generator_before
    cpu_after = cpu_seconds(server.process.pid)

    result = json.loads(result_file.read_text())
    wall = result["duration_us"] / 1e6
    cpu = cpu_after - cpu_before
    result["requests_per_second"] = result["requests"] / wall
    result["issued_per_second"] = result["issued"] / wall
    result["server_busy"] = cpu / wall
    result["server_cpu_us_per_request"] = cpu / max(result["requests"], 1) * 1e6
    result["generator_busy"] = generator / wall
    result["server_below_floor"] = result["server_busy"] < BUSY_FLOOR
    return result


def fixed_rate_latency(server, codes_or_path, rate, seconds, connections, work, accept):
    """Latency at a fixed request rate: oha when installed, else wrk pacing each connection."""
    if shutil.which("oha"):
        return oha_latency(server, codes_or_path, rate, seconds, connections, work, accept)
    return wrk_paced_latency(server, codes_or_path, rate, seconds, connections, work, accept)


def oha_latency(server, codes_or_path, rate, seconds, connections, work, accept):
    command = [
        "taskset", "-c", "1", "oha", "--no-tui", "--output-format", "json", "-z", f"{seconds}s",
        "-q", f"{rate:.0f}", "-c", str(connections), "--latency-correction",
        "-H", f"Accept: {accept}",
    ]
    if isinstance(codes_or_path, Path):
        urls = work / f"urls-{server.name}.txt"
        urls.write_text(
            "".join(f"{server.base}/v/{code}\n" for code in codes_or_path.read_text().split())
        )
        command += ["--urls-from-file", str(urls)]
    else:
        command.append(server.base + codes_or_path)
    generator_before = children_cpu_seconds()
    output = subprocess.run(command, check=True, capture_output=True, text=True)
    generator = children_cpu_seconds() - generator_before
    report = json.loads(output.stdout)
    percentiles = report["latencyPercentiles"]
    summary = report["summary"]
    return {
        "tool": "oha",
        "rate": rate,
        "achieved_rate": summary.get("requestsPerSec"),
        "success_rate": summary.get("successRate"),
        "p50_ms": percentiles["p50"] * 1000,
        "p99_ms": percentiles["p99"] * 1000,
        "generator_busy": generator / seconds,
    }


def wrk_paced_latency(server, codes_or_path, rate, seconds, connections, work, accept):
    delay_ms = connections * 1000.0 / rate
    if isinstance(codes_or_path, Path):
        script, path, args = "paced_codes.lua", "/", [str(codes_or_path), accept, f"{delay_ms}"]
    else:
        script, path, args = "paced.lua", codes_or_path, [accept, f"{delay_ms}"]
    result = wrk(server, path, script, args, connections, seconds, work)
    return {
        "tool": "wrk (paced; not corrected for coordinated omission)",
        "rate": rate,
        "achieved_rate": result["requests_per_second"],
        "p50_ms": result["latency_us"]["p50"] / 1000,
        "p99_ms": result["latency_us"]["p99"] / 1000,
        "generator_busy": result["generator_busy"],
    }


def crypto_rates():
    output = subprocess.run(
        ["taskset", "-c", "0", str(BIN), "bench-crypto", "--seconds", "1"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(output.stdout)


def inclusion_proof_ns():
    """Mean time of the 1 000 000-leaf inclusion proof from the criterion benchmark."""
    command = [
        "taskset", "-c", "0", "cargo", "bench", "--quiet", "--bench", "core", "--",
        "--warm-up-time", "1", "--measurement-time", "2", "inclusion_proof_1m_leaves$",
    ]
    subprocess.run(
        command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    estimates = ROOT / "target/criterion/inclusion_proof_1m_leaves/new/estimates.json"
    return json.loads(estimates.read_text())["mean"]["point_estimate"]


# ----------------------------------------------------------------------------- report


TARGETS = [
    ("verify_warm_vs_plaintext", "verify JSON warm ÷ plaintext req/s", ">= 0.6", lambda v: v >= 0.6),
    ("page_warm_vs_plaintext", "buyer page HTML warm ÷ plaintext req/s", ">= 0.5", lambda v: v >= 0.5),
    ("verify_cold_vs_raw_verify", "verify cold ÷ raw verify_strict ops/s", ">= 0.5", lambda v: v >= 0.5),
    ("verify_p99_ms_at_half_max", "p99 verify at half max rate (ms)", "<= 2", lambda v: v <= 2),
    ("issuance_vs_raw_sign", "issuance/s ÷ raw sign/s", ">= 0.05", lambda v: v >= 0.05),
    ("sqlite_vs_postgres_verify", "SQLite ÷ PostgreSQL verify req/s", "<= 1.5", lambda v: v <= 1.5),
    ("peak_rss_mb", "peak RSS under load (MB)", "<= 64", lambda v: v <= 64),
    ("peak_vs_idle_rss", "peak ÷ idle RSS", "<= 4", lambda v: v <= 4),
    ("start_to_first_200_ms", "start to first 200 OK (ms)", "<= 100", lambda v: v <= 100),
    ("verify_latency_1m_vs_1k", "verify p50 latency 1M ÷ 1k certificates", "<= 1.2", lambda v: v <= 1.2),
    ("inclusion_proof_1m_ms", "inclusion proof at 1M leaves (ms)", "<= 1", lambda v: v <= 1),
]


def print_details(rounds, extras, postgres_on_core_1):
    print("\nPer endpoint (median over rounds): req/s, server and wrk busy, server CPU per request")
    names = sorted({name for measured in rounds for name in measured if name != "raw"})
    for name in names:
        runs = [measured[name] for measured in rounds if name in measured]
        rps = statistics.median(r["requests_per_second"] for r in runs)
        busy = statistics.median(r["server_busy"] for r in runs)
        cpu = statistics.median(r["server_cpu_us_per_request"] for r in runs)
        generator = statistics.median(r["generator_busy"] for r in runs)
        errors = sum(r["errors"]["status"] + r["failures"] for r in runs)
        flag = ""
        if busy < BUSY_FLOOR:
            if generator >= 0.9:
                why = "wrk was the limit"
            elif name.endswith("_pg") and postgres_on_core_1:
                why = "server waited on PostgreSQL, whose backends share core 1 with wrk"
            else:
                why = "server waited or core 0 shared"
            flag = f"  FLAG: server < 95 % busy ({why})"
        error_note = f"  {errors} non-2xx" if errors else ""
        print(f"  {name:<16} {rps:>9.0f} req/s  server {busy * 100:5.1f} %  "
              f"wrk {generator * 100:5.1f} %  {cpu:8.1f} µs CPU/req{flag}{error_note}")
    for line in extras:
        print(f"  {line}")


def print_table(ratios, postgres_on_core_1):
    print("\nzerolabel benchmark: ratios (median of rounds) against performance.md targets")
    print(f"{'what':<50} {'measured':>10}  {'target':<8} result")
    for key, label, target, meets in TARGETS:
        if key == "sqlite_vs_postgres_verify" and postgres_on_core_1:
            label += " (PG on core 1)"
        value = ratios.get(key)
        if value is None:
            print(f"{label:<50} {'not run':>10}  {target:<8} -")
            continue
        print(f"{label:<50} {value:>10.3f}  {target:<8} {'ok' if meets(value) else 'MISS'}")


# ----------------------------------------------------------------------------- main


def measure_rounds(plan, rounds, seconds, connections, work):
    measured_rounds = []
    for number in range(1, rounds + 1):
        measured = {"raw": crypto_rates()}
        for name, server, path, script, script_args in plan:
            log(f"round {number}/{rounds}: {name}")
            measured[name] = wrk(server, path, script, script_args, connections, seconds, work)
        measured_rounds.append(measured)
    return measured_rounds


def measure_latency(plan, rounds, seconds, connections, work):
    """Fixed-rate latency of each (name, server, path or codes, rate, accept), interleaved over
    ROUNDS like the throughput runs; returns every round's result per name."""
    measured = {name: [] for name, *_ in plan}
    for number in range(1, rounds + 1):
        for name, server, target, rate, accept in plan:
            log(f"latency round {number}/{rounds}: {name}")
            measured[name].append(
                fixed_rate_latency(server, target, rate, seconds, connections, work, accept))
    return measured


def median_latency(runs):
    """One latency measurement's rounds summarised by the median of each figure."""
    summary = {key: statistics.median(run[key] for run in runs)
               for key in ("rate", "p50_ms", "p99_ms", "generator_busy")}
    summary["tool"] = runs[0]["tool"]
    summary["rounds"] = runs
    return summary


def median_ratio(rounds, numerator, denominator):
    return statistics.median(numerator(r) / denominator(r) for r in rounds)


def is_local(url):
    return any(host in url for host in ("@127.0.0.1", "@localhost", "//127.0.0.1", "//localhost"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--large", action="store_true", help="also run with 1 000 000 certificates")
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"))
    options = parser.parse_args()

    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    work = OUT / f"work-{stamp}"
    work.mkdir(parents=True)
    keys = work / "keys"
    sqlite_url = f"sqlite://{work / 'small.sqlite3'}"
    postgres_url = fresh_postgres(options.postgres, POSTGRES_DATABASE)
    seeded = {
        "sqlite": seed("sqlite", sqlite_url, keys, work, SMALL),
        "postgres": seed("postgres", postgres_url, keys, work, SMALL),
    }
    # The cold server reads a copy taken now: the issuance rounds add certificates (and log
    # leaves) to small.sqlite3, and the 1M ÷ 1k comparison needs 1 000 here.
    cold_copy = work / "cold.sqlite3"
    shutil.copyfile(work / "small.sqlite3", cold_copy)
    if (work / "small.sqlite3-wal").exists():
        shutil.copyfile(work / "small.sqlite3-wal", work / "cold.sqlite3-wal")
    servers = {
        "sqlite": Server("sqlite", sqlite_url, keys, work),
        "sqlite_cold": Server("sqlite_cold", f"sqlite://{cold_copy}", keys, work, cache_mb=0),
        "postgres_cold": Server("postgres_cold", postgres_url, keys, work, cache_mb=0),
    }
    if options.large:
        large_dir = OUT / "large"
        large_dir.mkdir(parents=True, exist_ok=True)
        large_url = f"sqlite://{large_dir / 'large.sqlite3'}"
        if not (large_dir / "codes-large.txt").exists():
            seeded["large"] = seed("large", large_url, large_dir / "keys", large_dir, LARGE)
        else:
            log("reusing the 1 000 000-certificate database in target/bench/large/")
            seeded["large"] = {"codes": large_dir / "codes-large.txt", "seed": None}
        servers["large"] = Server("large", large_url, large_dir / "keys", work, cache_mb=0)
        read_into_os_cache(large_dir / "large.sqlite3")

    stop_on_signals()
    pinned = {}
    try:
        for server in servers.values():
            server.start()
        if is_local(options.postgres):
            pinned = pin_backends(options.postgres, POSTGRES_DATABASE, {1})
        log(f"PostgreSQL backends of {POSTGRES_DATABASE} moved to core 1: {len(pinned)}")
        result = run(options, servers, seeded, work)
    finally:
        for server in servers.values():
            server.stop()
        restore_affinity(pinned)
    result["postgres_backends_on_core_1"] = bool(pinned)

    result["seeding"] = {name: data["seed"] for name, data in seeded.items()}
    result["started"] = stamp
    path = OUT / f"result-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    shutil.copyfile(path, OUT / "latest.json")
    on_core_1 = result["postgres_backends_on_core_1"]
    print_details(result["rounds"], result["extras"], on_core_1)
    print(f"\nJSON: {path}")
    print_table(result["ratios"], on_core_1)


def run(options, servers, seeded, work):
    sqlite, sqlite_cold, postgres_cold = (
        servers["sqlite"], servers["sqlite_cold"], servers["postgres_cold"])
    first = seeded["sqlite"]["codes"].read_text().split()[0]
    accounts = seeded["sqlite"]["accounts"]
    json_accept, html_accept = "application/json", "text/html"
    plan = [
        ("plaintext", sqlite, "/bench/plaintext", "get.lua", ["text/plain"]),
        ("verify_warm", sqlite, f"/v/{first}", "get.lua", [json_accept]),
        ("verify_cold", sqlite_cold, "/", "codes.lua",
         [str(seeded["sqlite"]["codes"]), json_accept]),
        ("page_warm", sqlite, f"/v/{first}", "get.lua", [html_accept]),
        ("verify_cold_pg", postgres_cold, "/", "codes.lua",
         [str(seeded["postgres"]["codes"]), json_accept]),
        ("issuance", sqlite, "/", "issue.lua",
         [accounts["farm_id"], accounts["farmer_token"], accounts["auditor_token"]]),
    ]
    if "large" in servers:
        plan.append(("verify_cold_1m", servers["large"], "/", "codes.lua",
                     [str(seeded["large"]["codes"]), json_accept]))
    rounds = measure_rounds(plan, options.rounds, options.seconds, options.connections, work)

    def rps(name):
        return lambda r: r[name]["requests_per_second"]

    ratios = {
        "verify_warm_vs_plaintext": median_ratio(rounds, rps("verify_warm"), rps("plaintext")),
        "page_warm_vs_plaintext": median_ratio(rounds, rps("page_warm"), rps("plaintext")),
        "verify_cold_vs_raw_verify": median_ratio(
            rounds, rps("verify_cold"), lambda r: r["raw"]["verify_strict_per_second"]),
        "issuance_vs_raw_sign": median_ratio(
            rounds, lambda r: r["issuance"]["issued_per_second"],
            lambda r: r["raw"]["sign_per_second"]),
        "sqlite_vs_postgres_verify": median_ratio(rounds, rps("verify_cold"), rps("verify_cold_pg")),
    }

    half_max = statistics.median(r["verify_warm"]["requests_per_second"] for r in rounds) / 2
    # Beside the verify p99, plaintext at the same rate: the latency floor of this machine and
    # generator, to tell the server's share of the p99 from the load generator's.
    latency_plan = [
        ("verify_warm_half_max", sqlite, f"/v/{first}", half_max, json_accept),
        ("plaintext_same_rate", sqlite, "/bench/plaintext", half_max, "text/plain"),
    ]
    if "large" in servers:
        # A light load both servers carry without queueing, so the p50 is one request's time:
        # a quarter of the lower of the two cold maxima.
        cold_rate = min(
            statistics.median(r[name]["requests_per_second"] for r in rounds)
            for name in ("verify_cold", "verify_cold_1m")) / 4
        latency_plan += [
            ("verify_cold_1k", sqlite_cold, seeded["sqlite"]["codes"], cold_rate, json_accept),
            ("verify_cold_1m", servers["large"], seeded["large"]["codes"], cold_rate,
             json_accept),
        ]
    latency_runs = measure_latency(
        latency_plan, options.rounds, options.seconds, options.connections, work)
    latency = {name: median_latency(runs) for name, runs in latency_runs.items()}
    ratios["verify_p99_ms_at_half_max"] = latency["verify_warm_half_max"]["p99_ms"]
    if "large" in servers:
        ratios["verify_latency_1m_vs_1k"] = statistics.median(
            large["p50_ms"] / small["p50_ms"]
            for large, small in zip(latency_runs["verify_cold_1m"], latency_runs["verify_cold_1k"]))

    peak = max(server.peak_rss_kb() for server in servers.values())
    idle = {name: server.idle_rss_kb for name, server in servers.items()}
    ratios["peak_rss_mb"] = peak / 1024
    ratios["peak_vs_idle_rss"] = max(
        server.peak_rss_kb() / server.idle_rss_kb for server in servers.values())
    ratios["start_to_first_200_ms"] = max(server.start_ms for server in servers.values())
    ratios["inclusion_proof_1m_ms"] = inclusion_proof_ns() / 1e6

    extras = [
        f"raw sign/s (median) {statistics.median(r['raw']['sign_per_second'] for r in rounds):.0f}",
        "raw verify_strict/s (median) "
        f"{statistics.median(r['raw']['verify_strict_per_second'] for r in rounds):.0f}",
        "issued/s over HTTP (median) "
        f"{statistics.median(r['issuance']['issued_per_second'] for r in rounds):.1f}",
        f"start to first 200: " + ", ".join(
            f"{name} {server.start_ms:.1f} ms" for name, server in servers.items()),
        f"RSS idle/peak kB: " + ", ".join(
            f"{name} {idle[name]}/{server.peak_rss_kb()}" for name, server in servers.items()),
    ] + [
        f"latency {name}: {data['tool']} at {data['rate']:.0f} req/s: "
        f"p50 {data['p50_ms']:.3f} ms, p99 {data['p99_ms']:.3f} ms, "
        f"generator {data['generator_busy'] * 100:.0f} % busy"
        for name, data in latency.items()
    ]
    return {
        "options": vars(options),
        "rounds": rounds,
        "latency": latency,
        "memory_kb": {name: {"idle": idle[name], "peak": server.peak_rss_kb()}
                      for name, server in servers.items()},
        "start_ms": {name: server.start_ms for name, server in servers.items()},
        "ratios": ratios,
        "extras": extras,
    }


if __name__ == "__main__":
    main()
