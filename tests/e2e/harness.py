"""The real Pulumi engine against a real plugin and a real emulator process.

Shared by the e2e suite (conftest.py) and `make demo` (demo.py). Everything a run writes stays in
one temporary directory: PULUMI_HOME, the file backend, the emulator's credentials file, program
copies. Every wait here is bounded.

Programs run two ways, both supported for users:
- as project directories (`runtime: python|nodejs|go|yaml`), copied from examples/ and driven by
  the plain CLI through the real language hosts (`example_project`, `Sandbox.cli`);
- as Automation API inline programs, served by this process (`inline_stack`).
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SDK_PYTHON = REPO / "sdk" / "python"
HTTP_TIMEOUT = 10

if str(SDK_PYTHON) not in sys.path:
    sys.path.insert(0, str(SDK_PYTHON))

TESTS = REPO / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from bounded import run_in_own_group  # noqa: E402,F401  (after the path set-up; tests use harness.run_in_own_group)
from pulumi import automation as auto  # noqa: E402  (after the path set-up above)


def find_binary(name: str) -> Path:
    """A program from PATH (`make e2e` puts target/debug and the Pulumi CLI there)."""
    found = shutil.which(name)
    if not found:
        raise RuntimeError(
            f"{name} is not on PATH; run the suite through `make e2e`, which builds it and sets PATH"
        )
    return Path(found)


def plugin_dir() -> Path:
    return find_binary("pulumi-resource-auth0").parent


class Emulator:
    """One `auth0-emulator` process on 127.0.0.1:0, started from its binary. With `tls` it serves
    https with a certificate of its own, written to `tls_cert_file` (clients that speak https only,
    such as the official bridged provider, trust it through SSL_CERT_FILE)."""

    def __init__(
        self,
        workdir: Path,
        seed: Optional[dict] = None,
        env: Optional[dict] = None,
        tls: bool = False,
        args: tuple = (),
    ):
        self.workdir = workdir
        self.args = list(args)
        self.tls = tls
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.seed = seed
        self.extra_env = env or {}
        self.process: Optional[subprocess.Popen] = None
        self.ready: dict[str, Any] = {}
        self.client_id = ""
        self.client_secret = ""
        self._token: Optional[str] = None

    def start(self, timeout: float = 20) -> "Emulator":
        args = [
            str(find_binary("auth0-emulator")),
            "--listen",
            "127.0.0.1:0",
            "--credentials-file",
            str(self.workdir / "credentials.json"),
            "--log-level",
            "warn",
        ]
        if self.seed is not None:
            seed_file = self.workdir / "seed.json"
            seed_file.write_text(json.dumps(self.seed), encoding="utf-8")
            args += ["--seed", str(seed_file)]
        if self.tls:
            args += ["--tls", "--tls-cert-file", str(self.tls_cert_file)]
        args += self.args
        stdout = self.workdir / "emulator.stdout"
        with open(stdout, "wb") as out, open(self.workdir / "emulator.stderr", "wb") as err:
            self.process = subprocess.Popen(
                args,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **self.extra_env},
                start_new_session=True,
            )
        try:
            self._wait_until_ready(stdout, timeout)
        except BaseException:
            self.stop()  # it runs in its own session: nothing else would end it
            raise
        return self

    def _wait_until_ready(self, stdout: Path, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = stdout.read_text(encoding="utf-8")
            if "\n" in text:
                self.ready = json.loads(text.split("\n", 1)[0])
                break
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"auth0-emulator exited with status {self.process.returncode} before its ready "
                    f"line; stderr: {self.stderr()}"
                )
            time.sleep(0.05)
        else:
            raise RuntimeError(f"auth0-emulator printed no ready line within {timeout} s")
        credentials = json.loads(Path(self.ready["credentialsFile"]).read_text(encoding="utf-8"))
        self.client_id = credentials["clientId"]
        self.client_secret = credentials["clientSecret"]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def stats(self) -> dict:
        """The emulator's request counts (GET /emulator/stats): `routes`, `managementTotal`, …"""
        status, stats = self.request("GET", "/emulator/stats")
        if status != 200:
            raise RuntimeError(f"GET /emulator/stats answered {status}: {stats}")
        return stats

    def route_count(self, route: str) -> int:
        """How many requests reached a route such as "POST /api/v2/clients"."""
        return self.stats()["routes"].get(route, 0)

    def stderr(self) -> str:
        return (self.workdir / "emulator.stderr").read_text(encoding="utf-8", errors="replace")[-2000:]

    @property
    def tls_cert_file(self) -> Path:
        return self.workdir / "tls-cert.pem"

    @property
    def base_url(self) -> str:
        return self.ready["baseUrl"]

    @property
    def domain(self) -> str:
        return self.ready["domain"]

    @property
    def management_audience(self) -> str:
        return self.ready["audience"]

    @property
    def issuer(self) -> str:
        return f"https://{self.domain}/"

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/.well-known/jwks.json"

    # --- HTTP, straight to the emulator (not through the provider) ---

    def request(self, method: str, path: str, body: Any = None, token: Optional[str] = None):
        """One HTTP request; returns (status, parsed JSON body or None)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        context = ssl.create_default_context(cafile=str(self.tls_cert_file)) if self.tls else None
        try:
            with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT, context=context) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        return status, (json.loads(raw) if raw.strip() else None)

    def token(self, client_id: str, client_secret: str, audience: str) -> dict:
        """A client credentials token response from /oauth/token."""
        status, body = self.request(
            "POST",
            "/oauth/token",
            {
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
                "audience": audience,
            },
        )
        if status != 200:
            raise RuntimeError(f"/oauth/token answered {status}: {body}")
        return body

    def management(self, method: str, path: str, body: Any = None):
        """A Management API v2 call with the bootstrap client's token; returns (status, body)."""
        if self._token is None:
            self._token = self.token(self.client_id, self.client_secret, self.management_audience)[
                "access_token"
            ]
        return self.request(method, "/api/v2" + path, body, token=self._token)

    def get(self, path: str) -> Any:
        status, body = self.management("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body}")
        return body


@dataclass
class Sandbox:
    """A private Pulumi home and file backend, so runs never touch ~/.pulumi or the cloud."""

    root: Path
    env: dict = field(default_factory=dict)

    def __post_init__(self):
        home, state = self.root / "pulumi-home", self.root / "pulumi-state"
        home.mkdir(parents=True, exist_ok=True)
        state.mkdir(parents=True, exist_ok=True)
        self.env = {
            "PULUMI_HOME": str(home),
            "PULUMI_BACKEND_URL": f"file://{state}",
            "PULUMI_CONFIG_PASSPHRASE": "e2e-only-passphrase",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        }

    def cli(
        self, args: list[str], cwd: Path, timeout: float = 120, extra_env=None, check=True, stream=False
    ):
        """Run the pulumi CLI itself; returns the CompletedProcess (text; nothing captured with
        `stream`, the CLI then writes to our terminal). On timeout the whole process group goes
        (the CLI and the plugins it started)."""
        command = [str(find_binary("pulumi")), *args, "--non-interactive"]
        result = run_in_own_group(
            command, timeout, stream=stream, cwd=cwd, env={**os.environ, **self.env, **(extra_env or {})}
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"pulumi {' '.join(args)} exited with {result.returncode}"
                + ("" if stream else f":\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
            )
        return result


def workspace_version() -> str:
    """The plugin's version: the workspace version in Cargo.toml."""
    text = (REPO / "Cargo.toml").read_text(encoding="utf-8")
    section = text.split("[workspace.package]", 1)[1]
    return re.search(r'^version = "([^"]+)"', section, re.M).group(1)


def install_plugin(sandbox: "Sandbox") -> None:
    """Install the plugin binary from PATH into the sandbox's PULUMI_HOME as a user does
    (`pulumi plugin install resource auth0 <version> --file <binary>`), and make the engine ignore
    the copy on PATH, so it runs the installed one without an ambient-plugin warning."""
    sandbox.cli(
        ["plugin", "install", "resource", "auth0", workspace_version(), "--file", str(find_binary("pulumi-resource-auth0"))],
        cwd=sandbox.root,
        timeout=120,
    )
    sandbox.env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true"


def write_project(workdir: Path, name: str, runtime: str = "python", body: str = "") -> None:
    """A Pulumi.yaml that points the engine at our plugin build (no PATH lookup, no download)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "Pulumi.yaml").write_text(
        f"name: {name}\nruntime: {runtime}\n"
        f"plugins:\n  providers:\n    - name: auth0\n      path: {plugin_dir()}\n" + body,
        encoding="utf-8",
    )


# What a project copied out of examples/ must not take along: what a run there left behind.
_NOT_COPIED = shutil.ignore_patterns("venv", "node_modules", "bin", "__pycache__", "Pulumi.*.yaml")
# The relative paths example projects use to reach this repository's SDKs.
_SDK_REFERENCES = {
    "../../../sdk/python": str(REPO / "sdk" / "python"),
    "file:../../../sdk/nodejs": "file:" + str(REPO / "sdk" / "nodejs"),
}


def example_project(
    language: str,
    example: str,
    workdir: Path,
    domain: Optional[str] = None,
    python_venv: Optional[Path] = None,
    node_modules: Optional[Path] = None,
) -> Path:
    """A copy of examples/<language>/<example> in workdir, as a user's project directory.

    The program text is kept, apart from `{YOUR_AUTH0_DOMAIN}` when `domain` is given. Paths that
    reach this repository's SDKs become absolute, since the copy lives elsewhere. `python_venv`
    replaces the project's own `venv` (so tests need not install one each); `node_modules` is
    linked in as the project's node_modules. Install the plugin with `install_plugin` first."""
    source = EXAMPLES / language / example
    if not (source / "Pulumi.yaml").is_file():
        raise RuntimeError(f"{source} is not a Pulumi project (no Pulumi.yaml)")
    if workdir.exists():
        shutil.rmtree(workdir)
    shutil.copytree(source, workdir, ignore=_NOT_COPIED)
    for path in workdir.iterdir():
        if path.suffix not in {".py", ".ts", ".go", ".txt", ".json", ".yaml"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if domain is not None:
            text = text.replace("{YOUR_AUTH0_DOMAIN}", domain)
        for relative, absolute in _SDK_REFERENCES.items():
            text = text.replace(relative, absolute)
        path.write_text(text, encoding="utf-8")
    if python_venv is not None:
        project = workdir / "Pulumi.yaml"
        text = project.read_text(encoding="utf-8")
        if "virtualenv: venv\n" not in text:
            raise RuntimeError(f"{source}/Pulumi.yaml does not name `virtualenv: venv`")
        project.write_text(text.replace("virtualenv: venv\n", f"virtualenv: {python_venv}\n"), encoding="utf-8")
    if node_modules is not None:
        (workdir / "node_modules").symlink_to(node_modules, target_is_directory=True)
    if language == "go":
        sdk = REPO / "sdk" / "go" / "auth0"
        result = run_in_own_group(
            ["go", "mod", "edit", f"-replace=github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0={sdk}"],
            60,
            cwd=workdir,
        )
        if result.returncode != 0:
            raise RuntimeError(f"go mod edit failed in {workdir}: {result.stderr[-2000:]}")
    return workdir


def yaml_project(example: str, workdir: Path) -> Path:
    """A copy of examples/yaml/<example> that points the engine at our plugin build."""
    workdir.mkdir(parents=True, exist_ok=True)
    text = (EXAMPLES / "yaml" / example / "Pulumi.yaml").read_text(encoding="utf-8")
    plugins = f"\nplugins:\n  providers:\n    - name: auth0\n      path: {plugin_dir()}\n"
    (workdir / "Pulumi.yaml").write_text(text + plugins, encoding="utf-8")
    return workdir


def cli_stack(sandbox: Sandbox, emulator: Emulator, workdir: Path, stack: str = "dev") -> None:
    """`pulumi stack init` and the provider config, through the CLI."""
    sandbox.cli(["stack", "init", stack], cwd=workdir)
    sandbox.cli(["config", "set", "auth0:domain", emulator.base_url], cwd=workdir)
    sandbox.cli(["config", "set", "auth0:clientId", emulator.client_id], cwd=workdir)
    set_secret_config(sandbox, workdir, "auth0:clientSecret", emulator.client_secret)


def set_secret_config(sandbox: Sandbox, workdir: Path, key: str, value: str) -> None:
    """`pulumi config set --secret KEY` with the value on stdin, so it is on no command line."""
    result = run_in_own_group(
        [str(find_binary("pulumi")), "config", "set", "--secret", key, "--non-interactive"],
        60,
        input=value,
        cwd=workdir,
        env={**os.environ, **sandbox.env},
    )
    if result.returncode != 0:
        raise RuntimeError(f"pulumi config set --secret {key} failed: {result.stderr[-2000:]}")


def configure(stack: auto.Stack, emulator: Emulator) -> None:
    stack.set_config("auth0:domain", auto.ConfigValue(emulator.base_url))
    stack.set_config("auth0:clientId", auto.ConfigValue(emulator.client_id))
    stack.set_config("auth0:clientSecret", auto.ConfigValue(emulator.client_secret, secret=True))


def inline_stack(
    sandbox: Sandbox,
    emulator: Emulator,
    workdir: Path,
    program: Callable[[], None],
    project: str = "e2e",
    stack: str = "dev",
) -> auto.Stack:
    """A stack whose program runs in this process, configured for the emulator."""
    write_project(workdir, project)
    s = auto.create_or_select_stack(
        stack_name=stack,
        project_name=project,
        program=program,
        opts=auto.LocalWorkspaceOptions(work_dir=str(workdir), env_vars=sandbox.env),
    )
    configure(s, emulator)
    return s


def program_file(example: str, domain: str, workdir: Path) -> Callable[[], None]:
    """An inline program that runs examples/python/<example>/__main__.py unchanged apart from the
    tenant domain."""
    text = (EXAMPLES / "python" / example / "__main__.py").read_text(encoding="utf-8")
    copy = workdir / f"{example}.py"
    workdir.mkdir(parents=True, exist_ok=True)
    copy.write_text(text.replace("{YOUR_AUTH0_DOMAIN}", domain), encoding="utf-8")
    return lambda: runpy.run_path(str(copy), run_name="__main__")


@dataclass
class Step:
    """One planned step of a preview, as the engine reports it."""

    op: str
    type: str
    name: str
    diffs: list
    detailed_diff: dict

    @property
    def key(self) -> str:
        return f"{self.type}::{self.name}"


def planned_steps(stack: auto.Stack, **kwargs) -> tuple[list[Step], Any]:
    """Preview and collect the engine's resource steps (the stack and providers left out)."""
    steps: list[Step] = []

    def on_event(event: auto.events.EngineEvent) -> None:
        pre = event.resource_pre_event
        if pre is None:
            return
        m = pre.metadata
        if m.type == "pulumi:pulumi:Stack" or m.type.startswith("pulumi:providers:"):
            return
        steps.append(
            Step(
                op=m.op.value if hasattr(m.op, "value") else str(m.op),
                type=m.type,
                name=m.urn.rsplit("::", 1)[-1],
                diffs=sorted(m.diffs or []),
                detailed_diff={
                    path: (d.diff_kind.value if hasattr(d.diff_kind, "value") else str(d.diff_kind))
                    for path, d in (m.detailed_diff or {}).items()
                },
            )
        )

    result = stack.preview(on_event=on_event, **kwargs)
    return steps, result


def verify_service_token(emulator: Emulator, access_token: str, audience: str) -> dict:
    """Checks signature (JWKS), audience and issuer with PyJWT; returns the claims."""
    import jwt  # PyJWT, independent of the emulator's own code

    jwks = jwt.PyJWKClient(emulator.jwks_url, cache_keys=False, timeout=HTTP_TIMEOUT)
    key = jwks.get_signing_key_from_jwt(access_token)
    return jwt.decode(
        access_token,
        key.key,
        algorithms=["RS256"],
        audience=audience,
        issuer=emulator.issuer,
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )
