"""What the benchmarks share: the columns of ``org_person`` they bulk-load people with (the appraisal
and work-log benchmarks write the same people table; each adds its own ``id`` or ``gender``), and
the load machinery of the work-log and ballot benchmarks: wrk with its Lua prelude and summary, the
servers they start, the CPU they use."""

import json
import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET_KEY = "benchmark-only-secret-key-never-used-in-production-0123456789"

PERSON_COLUMNS = [
    "staff_no",
    "name",
    "unit_id",
    "identity",
    "staffing",
    "post_type",
    "post_level",
    "start_date",
    "active",
]


# --- load -----------------------------------------------------------------------------------------------
#
# The load generator is wrk (Debian: apt-get install wrk), a separate process far lighter than a Python
# client, with a Lua script for the POST bodies and tokens. Every run is bounded in time and targets
# 127.0.0.1 only. The server has 2 worker processes — granian (threads for the WSGI calls) as the
# operator guide recommends, or gunicorn — DEBUG off (KAOHE_ENV=production) and persistent database
# connections, as in production.

# Put before every script: each wrk thread numbered (``tid``, from 1), and ``deal`` to give each
# thread its share of the lines of a file (one writer or one code a line).
WRK_THREADS = r"""
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function deal(path, nthreads)
  local mine = {}
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == tid - 1 then mine[#mine + 1] = line end
    i = i + 1
  end
  return mine
end
"""

# Appended to every script: a JSON line with the latency percentiles and the status counts.
WRK_DONE = r"""
local threads = {}
local _setup = setup
function setup(thread)
  _setup(thread)
  threads[#threads + 1] = thread
end
function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      counts[tostring(status)] = (counts[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do parts[#parts + 1] = string.format('"%s": %d', status, n) end
  io.write(string.format(
    'WRK {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
"""


def server_env(**extra: str) -> dict[str, str]:
    """The environment of the benchmark's server: production settings (DEBUG off, warnings only),
    plain HTTP on 127.0.0.1."""
    return dict(
        os.environ,
        KAOHE_ENV="production",
        KAOHE_SECRET_KEY=os.environ.get("KAOHE_SECRET_KEY", BENCH_SECRET_KEY),
        KAOHE_SSL_REDIRECT="0",
        KAOHE_ALLOWED_HOSTS="127.0.0.1",
        KAOHE_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        **extra,
    )


SERVERS = ("granian", "gunicorn")


def server_command(server: str, app: str, port: int, worker_class: str, threads: int) -> list[str]:
    """The command line of ``server`` with 2 worker processes on 127.0.0.1:``port``: granian with
    ``threads`` threads per worker for the WSGI calls (its HTTP is Rust; ``worker_class`` is
    gunicorn's), or gunicorn with ``worker_class`` (``gthread`` with ``threads``, or ``sync``)."""
    if server == "granian":
        cmd = [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", app, "--workers", "2"]
        cmd += ["--blocking-threads", str(threads), "--host", "127.0.0.1", "--port", str(port)]
        return cmd + ["--http", "1", "--no-ws", "--log-level", "warning"]
    cmd = [str(ROOT / ".venv/bin/gunicorn"), app, "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--worker-class", worker_class, "--log-level", "warning", "--keep-alive", "30"]
    if worker_class == "gthread":
        cmd += ["--threads", str(threads)]
    return cmd


def serve(
    app: str, port: int, worker_class: str, threads: int, env: dict[str, str], server: str = "gunicorn"
) -> subprocess.Popen:
    """Start ``server`` (see :func:`server_command`); returns once it answers."""
    import http.client

    proc = subprocess.Popen(server_command(server, app, port, worker_class, threads), env=env, cwd=ROOT)
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{server} did not start")


def _cpu_seconds(port: int, database: str) -> tuple[float, float]:
    """User + system CPU seconds used so far by the server's processes serving ``port`` and by the
    PostgreSQL processes of ``database`` plus its background ones (WAL writer, checkpointer …), from
    /proc. Reported per request: unlike the rate, that hardly depends on what else runs meanwhile."""
    app = db = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / tick
        if (comm == "gunicorn" and f"127.0.0.1:{port}" in cmd) or (
            "bin/granian " in cmd and f" --port {port} " in cmd
        ):
            app += used
        elif comm == "postgres" and (f" {database} " in cmd or "(" not in cmd and "[local]" not in cmd):
            db += used
    return app, db


def run_wrk(script: str, port: int, seconds: float, connections: int, threads: int, *args: str) -> dict:
    """Run wrk with ``script`` (after :data:`WRK_THREADS`, before the summary) against 127.0.0.1; returns its summary, with the
    CPU milliseconds per request of the server's processes and of PostgreSQL during the run."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_THREADS + script + WRK_DONE)
    database = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1]
    app0, db0 = _cpu_seconds(port, database)
    try:
        out = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s"]
            + ["-s", f.name, f"http://127.0.0.1:{port}", "--", *args],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    app, db = (now - before for now, before in zip(_cpu_seconds(port, database), (app0, db0), strict=True))
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    result = json.loads(line[4:])
    n = max(result["requests"], 1)
    result["cpu_ms_per_request"] = {"server": round(1000 * app / n, 2), "postgres": round(1000 * db / n, 2)}
    return result


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
