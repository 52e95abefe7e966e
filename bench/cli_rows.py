"""Rows 7 to 9 and the scale runs: one Python program (bench/program) through the real Pulumi
CLI and language host, with each provider installed from its binary into a private PULUMI_HOME,
against a fresh emulator over TLS each time.

While a command runs, a sampler reads the peak resident memory (VmHWM) of the plugin process the
engine started and of the CLI, from /proc.
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from plugins import Provider, e2e, emulator_stats, memory_kib

PROGRAM = Path(__file__).parent / "program"
# The emulator's `free` preset: 2 requests per second (burst 2), Auth0's free tier.
FREE_RATE = 2.0
# The `enterprise` preset: 16 per second, burst 50.
ENTERPRISE_RATE, ENTERPRISE_BURST = 16.0, 50
COMMAND_TIMEOUT = 3600


def _peak_kib(pid: str) -> int:
    try:
        return memory_kib(pid).get("VmHWM", 0)
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0  # the process ended between listing and reading


class PeakSampler:
    """Every 100 ms, the largest VmHWM seen of processes whose executable lies under `plugin_dir`
    (the engine's plugin) and of the `pulumi` CLI started from `cli_path`."""

    def __init__(self, plugin_dir: Path, cli_path: Path):
        self.plugin_dir, self.cli_path = str(plugin_dir), str(cli_path)
        self.plugin_kib = 0
        self.cli_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    argv0 = (entry / "cmdline").read_bytes().split(b"\0", 1)[0].decode()
                except (FileNotFoundError, ProcessLookupError, PermissionError):
                    continue
                if argv0.startswith(self.plugin_dir):
                    self.plugin_kib = max(self.plugin_kib, _peak_kib(entry.name))
                elif argv0 == self.cli_path:
                    self.cli_kib = max(self.cli_kib, _peak_kib(entry.name))

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass
class Stack:
    """One provider's project and stack against one emulator."""

    provider: Provider
    sandbox: object
    work: Path
    emulator: object
    python: Path
    pythonpath: str
    extra_env: dict = field(default_factory=dict)

    def env(self) -> dict:
        return {"SSL_CERT_FILE": str(self.emulator.tls_cert_file), "PYTHONPATH": self.pythonpath, **self.extra_env}

    def plugin_dir(self) -> Path:
        return Path(self.sandbox.env["PULUMI_HOME"]) / "plugins"

    def run(self, args: list[str]) -> dict:
        """One timed CLI command; a failure is reported with the end of its output, not raised."""
        cli = e2e.find_binary("pulumi")
        with PeakSampler(self.plugin_dir(), cli) as peak:
            began = time.perf_counter()
            result = self.sandbox.cli(args, cwd=self.work, timeout=COMMAND_TIMEOUT, extra_env=self.env(), check=False)
            wall = time.perf_counter() - began
        out = {"wall_s": wall, "plugin_peak_kib": peak.plugin_kib, "cli_peak_kib": peak.cli_kib}
        if result.returncode != 0:
            out["failed"] = f"pulumi {' '.join(args)} exited {result.returncode}: {(result.stdout + result.stderr)[-1500:]}"
        return out


def new_stack(provider: Provider, root: Path, emulator, python: Path, our_sdk: Optional[Path], config: dict) -> Stack:
    """A private PULUMI_HOME with only `provider` installed, and the program's project and stack."""
    if root.exists():
        shutil.rmtree(root)
    sandbox = e2e.Sandbox(root / "sandbox")
    sandbox.cli(
        ["plugin", "install", "resource", "auth0", provider.version, "--file", str(provider.binary)],
        cwd=sandbox.root,
        timeout=300,
    )
    sandbox.env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true"
    work = root / "program"
    shutil.copytree(PROGRAM, work, ignore=shutil.ignore_patterns("__pycache__"))
    (work / "Pulumi.yaml").write_text(
        "name: auth0-bench\n"
        "description: make bench's program, the same text for both providers\n"
        f"runtime:\n  name: python\n  options:\n    virtualenv: {python.parent.parent}\n",
        encoding="utf-8",
    )
    stack = Stack(provider, sandbox, work, emulator, python, str(our_sdk) if our_sdk else "")
    sandbox.cli(["stack", "init", "bench"], cwd=work, extra_env=stack.env())
    settings = {"auth0:domain": emulator.domain, "auth0:clientId": emulator.client_id, **config}
    for key, value in settings.items():
        sandbox.cli(["config", "set", key, str(value)], cwd=work, extra_env=stack.env())
    e2e.set_secret_config(sandbox, work, "auth0:clientSecret", emulator.client_secret)
    return stack


def reset_stats(emulator) -> None:
    emulator.request("POST", "/emulator/stats/reset")


def set_rate_limit(emulator, preset: str) -> None:
    status, body = emulator.request("PUT", "/emulator/rate-limit", {"rateLimit": preset})
    if status != 204:
        raise RuntimeError(f"PUT /emulator/rate-limit {preset} answered {status}: {body}")


def start_emulator(workdir: Path, rate_limit: str = "off"):
    return e2e.Emulator(workdir, tls=True, env={"AUTH0_EMULATOR_RATE_LIMIT": rate_limit}).start()


def with_requests(run: dict, emulator) -> dict:
    stats = emulator_stats(emulator)
    run["auth0_requests"] = stats["managementTotal"]
    run["rate_limited"] = stats.get("rateLimited", 0)
    run["token_requests"] = stats["token"]
    return run


def up_refresh_preview(provider: Provider, root: Path, python: Path, our_sdk, groups: int) -> dict:
    """Rows 7 and 9, one run: `up` of `groups` × (API, client, grant), then `preview` (nothing to
    change) and `refresh`, each timed, with the Auth0 requests each made."""
    emulator = start_emulator(root / "emulator")
    try:
        stack = new_stack(provider, root / "stack", emulator, python, our_sdk, {"bench:groups": groups})
        out = {"resources": groups * 3}
        for label, args in (
            ("up", ["up", "--yes", "--skip-preview"]),
            ("preview", ["preview"]),
            ("refresh", ["refresh", "--yes", "--skip-preview"]),
        ):
            reset_stats(emulator)
            out[label] = with_requests(stack.run(args), emulator)
        return out
    finally:
        emulator.stop()


def up_rate_limited(provider: Provider, root: Path, python: Path, our_sdk, groups: int) -> dict:
    """Row 8, one run: the same `up` against the `free` preset (2 rps). The floor is the
    requests that were answered (not 429) divided by the rate, less the first burst."""
    emulator = start_emulator(root / "emulator", rate_limit="free")
    try:
        stack = new_stack(provider, root / "stack", emulator, python, our_sdk, {"bench:groups": groups})
        reset_stats(emulator)
        run = with_requests(stack.run(["up", "--yes", "--skip-preview"]), emulator)
        answered = run["auth0_requests"] - run["rate_limited"]
        run["floor_s"] = max(answered - 2, 0) / FREE_RATE
        run["resources"] = groups * 3
        return run
    finally:
        emulator.stop()


def scale(provider: Provider, root: Path, python: Path, our_sdk, clients: int, refresh: bool) -> dict:
    """The scale runs: `up` of `clients` clients with the rate limit off (wall and peak memory);
    with `refresh`, then `pulumi refresh` of them at the `enterprise` preset, against its floor.

    The engine writes the whole state after every step, which makes a file-backend `up`
    quadratic in the stack's size (3,500 clients had not finished after 13 min, the CLI at
    3.4 GB); these runs set PULUMI_SKIP_CHECKPOINTS, for both providers alike, so that the
    figures show the providers and the rate limit rather than the checkpoints."""
    emulator = start_emulator(root / "emulator")
    try:
        stack = new_stack(provider, root / "stack", emulator, python, our_sdk, {"bench:clients": clients})
        stack.extra_env["PULUMI_SKIP_CHECKPOINTS"] = "true"
        out = {"resources": clients, "up": stack.run(["up", "--yes", "--skip-preview"])}
        if refresh and "failed" not in out["up"]:
            set_rate_limit(emulator, "enterprise")
            reset_stats(emulator)
            run = with_requests(stack.run(["refresh", "--yes", "--skip-preview"]), emulator)
            run["floor_s"] = max(clients - ENTERPRISE_BURST, 0) / ENTERPRISE_RATE
            out["refresh_enterprise"] = run
        return out
    finally:
        emulator.stop()
