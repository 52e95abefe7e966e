"""Rows 1 to 6 of the table: what one plugin process costs, measured through the provider
protocol against one emulator (over TLS, which the bridged provider needs).

- start-up: exec to the port line on stdout, which is what the engine waits for;
- memory: RSS after GetSchema, and peak RSS (VmHWM) over about 1,000 mixed operations;
- size of the binary, and of a tar.gz of it made the same way for both;
- CPU time of Check and of Diff on a Client with every property a web application holds;
- Auth0 requests per operation, as the emulator counts them.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import gzip
import io
import json
import statistics
import tarfile
from pathlib import Path

from plugins import REPO, FakeEngine, Provider, Running, emulator_stats

CLIENT = "auth0:index/client:Client"
API = "auth0:index/resourceServer:ResourceServer"
GRANT = "auth0:index/clientGrant:ClientGrant"
EVERY_PROPERTY = json.loads((Path(__file__).parent / "fixtures" / "client-every-property.json").read_text())
# The operations of one group in the mixed workload (`mixed_operations`).
OPS_PER_GROUP = 8


def plugin_env(emulator) -> dict:
    """What a plugin needs to reach the emulator: its certificate, and no credentials from the
    environment (both providers read AUTH0_* variables)."""
    env = {"SSL_CERT_FILE": str(emulator.tls_cert_file)}
    for name in ("AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_API_TOKEN", "AUTH0_DEBUG"):
        env[name] = ""
    return env


def startup(providers: list[Provider], emulator, runs: int) -> dict:
    """Row 1 and the first half of row 2: exec → port, and RSS after a GetSchema. The providers
    take turns run by run, so that both meet the same moments of a shared, noisy machine."""
    samples = {p.label: ([], []) for p in providers}
    for _ in range(runs):
        for p in providers:
            started, rss = samples[p.label]
            with Running(p, plugin_env(emulator)) as plugin:
                started.append(plugin.started_in)
                plugin.schema()
                rss.append(plugin.status()["VmRSS"])
    return {
        label: {"start_s": statistics.median(s), "start_runs": s, "rss_after_schema_kib": statistics.median(r)}
        for label, (s, r) in samples.items()
    }


def archive_size(binary: Path) -> int:
    """A tar.gz holding the binary alone (gzip level 9, as `tar czf` with GZIP=-9)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        tar.add(binary, arcname=binary.name)
    return len(gzip.compress(raw.getvalue(), compresslevel=9, mtime=0))


def sizes(provider: Provider, dist_archive: Path | None) -> dict:
    """Row 3: the binary, the same-way tar.gz of it, and our released archive when dist/ has it."""
    out = {"binary_bytes": provider.size(), "targz_bytes": archive_size(provider.binary)}
    if dist_archive is not None and dist_archive.is_file():
        out["release_archive_bytes"] = dist_archive.stat().st_size
    return out


class Workload:
    """Engine-shaped calls on one configured plugin: Check before Create and Update, Diff before
    Update, the state of the last step passed to the next."""

    def __init__(self, plugin: Running):
        self.d = plugin.driver

    def create(self, token: str, name: str, news: dict) -> tuple[str, dict, dict]:
        inputs = self._checked(token, name, news, {})
        rid, state = self.d.create(token, name, inputs)
        return rid, state, inputs

    def read(self, token: str, name: str, rid: str, state: dict, inputs: dict) -> dict:
        _, state, _ = self.d.read(token, name, rid, state, inputs)
        return state

    def update(self, token: str, name: str, rid: str, state: dict, old_inputs: dict, news: dict) -> tuple[dict, dict]:
        inputs = self._checked(token, name, news, old_inputs)
        self.d.diff(token, name, rid, state, inputs, old_inputs)
        return self.d.update(token, name, rid, state, inputs, old_inputs), inputs

    def delete(self, token: str, name: str, rid: str, state: dict, inputs: dict) -> None:
        self.d.delete(token, name, rid, state, inputs)

    def _checked(self, token: str, name: str, news: dict, olds: dict) -> dict:
        inputs, failures = self.d.check(token, name, news, olds)
        if failures:
            raise RuntimeError(f"Check of {name} failed: {[(f.property, f.reason) for f in failures]}")
        return inputs


@contextlib.contextmanager
def configured(provider: Provider, emulator):
    """One plugin, handshaken with a fake engine and configured for the emulator."""
    engine = FakeEngine()
    try:
        with Running(provider, plugin_env(emulator)) as plugin:
            plugin.configure(emulator, engine)
            yield plugin, Workload(plugin)
    finally:
        engine.close()


def m2m_client(name: str) -> dict:
    return {"name": name, "appType": "non_interactive", "grantTypes": ["client_credentials"]}


def one_group(work: Workload, tag: str) -> int:
    """An API, a client and a grant between them: three creates, a read, an update and three
    deletes (OPS_PER_GROUP operations)."""
    identifier = f"https://{tag}.bench.example.com/"
    api_id, api_state, api_in = work.create(API, f"{tag}-api", {"name": f"{tag} API", "identifier": identifier})
    cid, c_state, c_in = work.create(CLIENT, f"{tag}-client", m2m_client(f"{tag} client"))
    gid, g_state, g_in = work.create(GRANT, f"{tag}-grant", {"clientId": cid, "audience": identifier, "scopes": []})
    c_state = work.read(CLIENT, f"{tag}-client", cid, c_state, c_in)
    c_state, c_in = work.update(
        CLIENT, f"{tag}-client", cid, c_state, c_in, {**m2m_client(f"{tag} client"), "description": "updated"}
    )
    work.delete(GRANT, f"{tag}-grant", gid, g_state, g_in)
    work.delete(CLIENT, f"{tag}-client", cid, c_state, c_in)
    work.delete(API, f"{tag}-api", api_id, api_state, api_in)
    return OPS_PER_GROUP


def mixed_operations(provider: Provider, emulator, operations: int, parallel: int) -> dict:
    """The second half of row 2: peak RSS of one plugin over `operations` operations, `parallel`
    groups at a time (the engine runs independent resources in parallel)."""
    groups = max(1, operations // OPS_PER_GROUP)
    with configured(provider, emulator) as (plugin, work):
        before = emulator_requests(emulator)
        with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as pool:
            done = sum(pool.map(lambda i: one_group(work, f"{provider.label}-m{i}"), range(groups)))
        status = plugin.status()
        return {
            "operations": done,
            "parallel": parallel,
            "peak_rss_kib": status["VmHWM"],
            "rss_after_kib": status["VmRSS"],
            "auth0_requests": emulator_requests(emulator) - before,
        }


def emulator_requests(emulator) -> int:
    return emulator_stats(emulator)["managementTotal"]


def routes_between(before: dict, after: dict) -> dict:
    """The requests per route (`"PATCH /api/v2/clients/{id}"`) made between two stats readings."""
    return {
        route: n - before["routes"].get(route, 0)
        for route, n in sorted(after["routes"].items())
        if n - before["routes"].get(route, 0)
    }


def cpu_per_call(plugin: Running, call, calls: int) -> float:
    """Median over 5 batches of the plugin's CPU time per call, in µs (the calls run one at a time)."""
    batches = []
    for _ in range(5):
        before = plugin.cpu_seconds()
        for _ in range(calls):
            call()
        batches.append((plugin.cpu_seconds() - before) / calls * 1e6)
    return statistics.median(batches)


def check_and_diff_cpu(provider: Provider, emulator, calls: int) -> dict:
    """Row 4: the plugin's CPU time for Check and for Diff of a Client with every property set;
    Diff compares the created state with the same inputs and a new description."""
    with configured(provider, emulator) as (plugin, work):
        name = f"{provider.label}-every-property"
        news = {**EVERY_PROPERTY, "name": f"{provider.label} {EVERY_PROPERTY['name']}"}
        rid, state, inputs = work.create(CLIENT, name, news)
        changed = work._checked(CLIENT, name, {**news, "description": "changed"}, inputs)
        d = plugin.driver
        d.check(CLIENT, name, news, inputs)  # warm-up: the first call pays for lazy set-up
        check_us = cpu_per_call(plugin, lambda: d.check(CLIENT, name, news, inputs), calls)
        diff_us = cpu_per_call(plugin, lambda: d.diff(CLIENT, name, rid, state, changed, inputs), calls)
        work.delete(CLIENT, name, rid, state, inputs)
        return {"check_cpu_us": check_us, "diff_cpu_us": diff_us, "properties_set": len(EVERY_PROPERTY)}


def request_counts(provider: Provider, emulator) -> dict:
    """Rows 5 and 6: Management API requests per operation, as the emulator counts them (the
    token request is counted apart and paid before the first measured operation)."""
    with configured(provider, emulator) as (plugin, work):
        tag = f"{provider.label}-count"
        identifier = f"https://{tag}.bench.example.com/"
        api_id, api_state, api_in = work.create(API, f"{tag}-api", {"name": f"{tag} API", "identifier": identifier})
        counts, routes = {}, {}

        def counted(label, step):
            before = emulator_stats(emulator)
            result = step()
            after = emulator_stats(emulator)
            counts[label] = after["managementTotal"] - before["managementTotal"]
            routes[label] = routes_between(before, after)
            return result

        cid, c_state, c_in = counted("client_create", lambda: work.create(CLIENT, tag, m2m_client(f"{tag} client")))
        c_state, c_in = counted(
            "client_update",
            lambda: work.update(CLIENT, tag, cid, c_state, c_in, {**m2m_client(f"{tag} client"), "description": "x"}),
        )
        c_state = counted("client_refresh", lambda: work.read(CLIENT, tag, cid, c_state, c_in))
        gid, g_state, g_in = counted(
            "grant_create",
            lambda: work.create(GRANT, f"{tag}-grant", {"clientId": cid, "audience": identifier, "scopes": ["read:data"]}),
        )
        work.delete(GRANT, f"{tag}-grant", gid, g_state, g_in)
        counted("client_delete", lambda: work.delete(CLIENT, tag, cid, c_state, c_in))
        work.delete(API, f"{tag}-api", api_id, api_state, api_in)
        counts["client_lifecycle"] = sum(
            counts[k] for k in ("client_create", "client_update", "client_refresh", "client_delete")
        )
        counts["routes"] = routes
        return counts


def dist_archive(version: str) -> Path:
    return REPO / "dist" / f"pulumi-resource-auth0-v{version}-linux-amd64.tar.gz"
