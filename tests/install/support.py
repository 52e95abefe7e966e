"""Helpers for the install-path suite: a clean environment for the real Pulumi CLI, commands run
in their own process group with a timeout, the emulator from its release archive, and a local
HTTP server laid out like the release home's downloads, with an access log.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

from bounded import run_in_own_group  # noqa: E402  (after the path set-up above)

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set; run this suite through `make install-test`")
    return value


DIST = Path(required_env("DIST_DIR"))
VERSION = required_env("VERSION")
PULUMI = Path(required_env("PULUMI_BIN"))
SCHEMA = json.loads((REPO / "schema.json").read_text(encoding="utf-8"))
DOWNLOAD_URL = SCHEMA["pluginDownloadURL"]
HOST_PLATFORM = "linux-amd64"


def archive(name: str, platform: str = HOST_PLATFORM) -> Path:
    path = DIST / f"{name}-v{VERSION}-{platform}.tar.gz"
    if not path.is_file():
        raise RuntimeError(f"{path} is missing; run `make dist` first")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def release_path(version: str = VERSION) -> str:
    """Where GitHub serves a release's assets for the committed github:// pluginDownloadURL."""
    m = re.fullmatch(r"github://api\.github\.com/([^/]+)/([^/]+)", DOWNLOAD_URL)
    if not m:
        raise RuntimeError(f"pluginDownloadURL {DOWNLOAD_URL!r} is not github://api.github.com/<org>/<repo>")
    return f"/{m.group(1)}/{m.group(2)}/releases/download/v{version}"


def run(command: list, env: dict, timeout: float, cwd: Optional[Path] = None, input: Optional[str] = None):
    """Runs a command in its own process group (killed on timeout or any interruption); returns
    the CompletedProcess (text)."""
    return run_in_own_group([str(c) for c in command], timeout, input=input, env=env, cwd=cwd)


def checked(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, result.args))} exited with {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


class Pulumi:
    """The real CLI with an empty PULUMI_HOME, a file backend, ambient plugins ignored and only
    the CLI's own directory and the system's on PATH: nothing of ours is reachable except what
    a test installs."""

    def __init__(self, root: Path):
        self.home = root / "pulumi-home"
        self.state = root / "pulumi-state"
        self.home.mkdir(parents=True)
        self.state.mkdir(parents=True)
        path = f"{PULUMI.parent}:{SYSTEM_PATH}"
        for ours in ("pulumi-resource-auth0", "auth0-emulator"):
            found = shutil.which(ours, path=path)
            assert found is None, f"{found} is on the PATH the install tests use; it must not be"
        self.env = {
            "PATH": path,
            "HOME": str(root),
            "PULUMI_HOME": str(self.home),
            "PULUMI_BACKEND_URL": f"file://{self.state}",
            "PULUMI_CONFIG_PASSPHRASE": "install-test-only",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_IGNORE_AMBIENT_PLUGINS": "1",
            # Only the tests that show an automatic download turn this off.
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        }
        for passthrough in ("LANG", "TMPDIR", "GOCACHE", "GOPATH", "GOMODCACHE"):
            if passthrough in os.environ:
                self.env[passthrough] = os.environ[passthrough]

    def __call__(self, *args, cwd: Optional[Path] = None, timeout: float = 180, env=None, check=True, input=None):
        result = run([PULUMI, *args, "--non-interactive"], {**self.env, **(env or {})}, timeout, cwd, input)
        return checked(result) if check else result

    def plugins(self) -> list[dict]:
        return json.loads(self("plugin", "ls", "--json").stdout or "[]")

    def plugin_dir(self, name: str, version: str) -> Path:
        return self.home / "plugins" / f"resource-{name}-v{version}"


def extract(archive_path: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path) as tar:
        tar.extractall(dest, filter="data")
    return dest


class Emulator:
    """auth0-emulator from its release archive, on 127.0.0.1:0."""

    def __init__(self, binary: Path, workdir: Path, seed: dict):
        workdir.mkdir(parents=True, exist_ok=True)
        seed_file = workdir / "seed.json"
        seed_file.write_text(json.dumps(seed), encoding="utf-8")
        self.stdout = workdir / "emulator.stdout"
        with open(self.stdout, "wb") as out:
            self.process = subprocess.Popen(
                [binary, "--listen", "127.0.0.1:0", "--credentials-file", workdir / "credentials.json",
                 "--seed", seed_file, "--log-level", "warn"],
                stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        deadline = time.monotonic() + 20
        while "\n" not in self.stdout.read_text(encoding="utf-8"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("auth0-emulator printed no ready line within 20 s")
            time.sleep(0.05)
        self.ready = json.loads(self.stdout.read_text(encoding="utf-8").split("\n", 1)[0])
        credentials = json.loads(Path(self.ready["credentialsFile"]).read_text(encoding="utf-8"))
        self.client_id, self.client_secret = credentials["clientId"], credentials["clientSecret"]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    @property
    def base_url(self) -> str:
        return self.ready["baseUrl"]

    def get(self, path: str):
        """A Management API GET with the bootstrap client's token."""
        body = json.dumps({"grant_type": "client_credentials", "client_id": self.client_id,
                           "client_secret": self.client_secret, "audience": self.ready["audience"]}).encode()
        req = urllib.request.Request(self.base_url + "/oauth/token", data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            token = json.loads(resp.read())["access_token"]
        req = urllib.request.Request(self.base_url + "/api/v2" + path, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def configure(self, pulumi: Pulumi, cwd: Path) -> None:
        pulumi("config", "set", "auth0:domain", self.base_url, cwd=cwd)
        pulumi("config", "set", "auth0:clientId", self.client_id, cwd=cwd)
        pulumi("config", "set", "--secret", "auth0:clientSecret", cwd=cwd, input=self.client_secret)


class ReleaseServer:
    """dist/ over HTTP on 127.0.0.1, at the path the committed pluginDownloadURL's GitHub release
    downloads live under; `replaced` serves other bytes for a file name (a tampered archive).
    Every request lands in `log` as (path, status)."""

    def __init__(self, replaced: Optional[dict] = None):
        self.log: list[tuple[str, int]] = []
        self.replaced = replaced or {}
        prefix = release_path() + "/"
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path = urllib.parse.urlsplit(self.path).path
                name = path[len(prefix):] if path.startswith(prefix) else ""
                body = server.replaced.get(name)
                if body is None and name and "/" not in name and (DIST / name).is_file():
                    body = (DIST / name).read_bytes()
                status = 200 if body is not None else 404
                server.log.append((path, status))
                self.send_response(status)
                self.send_header("Content-Type", "application/gzip")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.timeout = 10
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The --server URL: the release's download directory, with the version left to Pulumi."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{release_path('${VERSION}')}"

    def downloads(self) -> list[str]:
        return [p.rsplit("/", 1)[-1] for p, status in self.log if status == 200]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
