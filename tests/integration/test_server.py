"""The operator guide's production servers really serve Kaohe — granian (worker processes with
threads, for PostgreSQL) and gunicorn's sync workers (for the embedded SQLite): the login page in
Chinese, the API refusing a bad token, an unknown page 404."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, method: str, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=b"{}" if method == "POST" else None, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read()


SERVERS = {
    "granian": ["-m", "granian", "--interface", "wsgi", "kaohe.wsgi:application", "--workers", "2"]
    + ["--blocking-threads", "2", "--host", "127.0.0.1", "--port", "{port}"],
    "gunicorn": ["-m", "gunicorn", "kaohe.wsgi", "--workers", "2", "--worker-class", "sync"]
    + ["--bind", "127.0.0.1:{port}"],
}


@pytest.fixture(params=sorted(SERVERS))
def served(request, tmp_path):
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'kaohe.sqlite3'}",
        KAOHE_ENV="production",
        KAOHE_SECRET_KEY="a-test-key-that-is-long-enough-for-the-production-checks-0123456789",
        KAOHE_SSL_REDIRECT="0",
        KAOHE_ALLOWED_HOSTS="127.0.0.1",
        KAOHE_VAR_DIR=str(tmp_path),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "-m", "kaohe", "manage", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    port = _free_port()
    command = [sys.executable, *(arg.format(port=port) for arg in SERVERS[request.param])]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(150):
            try:
                _get(port, "GET", "/login/")
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"{request.param} exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                time.sleep(0.2)
        else:
            pytest.fail(f"{request.param} did not answer within 30 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(20)


def test_the_production_server_serves_pages_and_the_api(served):
    status, body = _get(served, "GET", "/login/")
    assert status == 200
    assert "登录".encode() in body
    status, body = _get(
        served,
        "POST",
        "/api/worklog/logs",
        {"Authorization": "Bearer kh_wrong", "Content-Type": "application/json"},
    )
    assert status == 401, body
    status, _body = _get(served, "GET", "/no-such-page/")
    assert status == 404
