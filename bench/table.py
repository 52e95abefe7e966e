"""The bench's one table: a row per figure, ours and bridged side by side, the ratio, the target
and whether ours meets it. Missing measurements are reported as problems (the run fails), a
missed target is not: it is a finding, printed in the table."""

from __future__ import annotations

import statistics

MIB = 1024 * 1024


def median_of(runs: list, *path: str):
    values = []
    for run in runs:
        for key in path:
            run = run.get(key) if isinstance(run, dict) else None
        if isinstance(run, (int, float)):
            values.append(run)
    return statistics.median(values) if values else None


def _ms(s):
    return None if s is None else f"{s * 1000:.1f} ms"


def _mib_kib(k):
    return None if k is None else f"{k / 1024:.1f} MiB"


def _mib_bytes(b):
    return None if b is None else f"{b / MIB:.2f} MiB"


def _s(s):
    return None if s is None else f"{s:.1f} s"


def _us(u):
    return None if u is None else f"{u:.0f} µs"


class Table:
    def __init__(self, bridged: bool):
        self.bridged = bridged
        self.rows: list[list[str]] = []
        self.problems: list[str] = []

    def row(self, number, figure, ours, bridged=None, ratio="", target="", met=None, measured=True):
        if not measured:
            return
        if ours is None:
            self.problems.append(f"row {number} ({figure}): no measurement for ours")
        if self.bridged and bridged is None and target != "n/a":
            bridged = "not measured"
        verdict = "" if met is None else ("met" if met else "MISSED")
        cells = [str(number), figure, ours or "—"]
        if self.bridged:
            cells += [bridged or "—", ratio]
        cells += [target, verdict]
        self.rows.append(cells)

    def text(self) -> str:
        head = ["#", "figure", "ours"] + (["bridged", "ratio"] if self.bridged else []) + ["target", ""]
        widths = [max(len(r[i]) for r in [head] + self.rows) for i in range(len(head))]
        line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
        rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        return "\n".join([line(head), rule] + [line(r) for r in self.rows])


def ratio(ours, bridged, faster_is_smaller=True) -> str:
    if not ours or not bridged:
        return ""
    return f"{bridged / ours:.1f}× less" if faster_is_smaller else f"{ours / bridged:.2f}×"


def render(results: dict, args) -> tuple[str, list[str]]:
    ours, br = results["ours"], results.get("bridged", {})
    t = Table(bool(br))
    get = lambda r, *path: median_of([r], *path)  # noqa: E731

    o, b = get(ours, "startup", "start_s"), get(br, "startup", "start_s")
    speedup = (b / o) if (o and b) else None
    t.row(1, "exec → port printed", _ms(o), _ms(b), f"{speedup:.0f}× faster" if speedup else "",
          "≥ 50× faster than bridged", None if speedup is None else speedup >= 50, measured="startup" in ours)

    o, b = get(ours, "startup", "rss_after_schema_kib"), get(br, "startup", "rss_after_schema_kib")
    t.row(2, "RSS after GetSchema", _mib_kib(o), _mib_kib(b), ratio(o, b), "≤ 15 MB", o is not None and o * 1024 <= 15e6,
          measured="startup" in ours)
    ops = get(ours, "mixed", "operations")
    o, b = get(ours, "mixed", "peak_rss_kib"), get(br, "mixed", "peak_rss_kib")
    t.row(2, f"peak RSS over {ops:.0f} mixed operations" if ops else "peak RSS over mixed operations",
          _mib_kib(o), _mib_kib(b), ratio(o, b), "≤ 15 MB", o is not None and o * 1024 <= 15e6, measured="mixed" in ours)

    o, b = get(ours, "size", "binary_bytes"), get(br, "size", "binary_bytes")
    t.row(3, "binary size", _mib_bytes(o), _mib_bytes(b), ratio(o, b), measured="size" in ours)
    o, b = get(ours, "size", "targz_bytes"), get(br, "size", "targz_bytes")
    released = get(ours, "size", "release_archive_bytes")
    t.row(3, "linux-amd64 tar.gz of the binary" + (f" (dist/ archive {_mib_bytes(released)})" if released else ""),
          _mib_bytes(o), _mib_bytes(b), ratio(o, b), "≤ 5 MB archive", o is not None and max(o, released or 0) <= 5e6,
          measured="size" in ours)

    for key, what in (("check_cpu_us", "Check"), ("diff_cpu_us", "Diff")):
        o, b = get(ours, "cpu", key), get(br, "cpu", key)
        n = get(ours, "cpu", "properties_set")
        t.row(4, f"CPU time of {what}, Client with {n:.0f} properties set" if n else f"CPU time of {what}",
              _us(o), _us(b), ratio(o, b), "µs", measured="cpu" in ours)

    def lifecycle(r):
        c = r.get("requests")
        if not c:
            return None
        return f"{c['client_create']}+{c['client_update']}+{c['client_refresh']}+{c['client_delete']} = {c['client_lifecycle']}"

    o = get(ours, "requests", "client_lifecycle")
    t.row(5, "Auth0 requests: Client create+update+refresh+delete", lifecycle(ours), lifecycle(br) if br else None,
          ratio(o, get(br, "requests", "client_lifecycle")), "4", o == 4 if o is not None else None, measured="requests" in ours)
    o = get(ours, "requests", "grant_create")
    b = get(br, "requests", "grant_create")
    t.row(6, "Auth0 requests: ClientGrant create", None if o is None else f"{o:.0f}", None if b is None else f"{b:.0f}",
          ratio(o, b), "1", o == 1 if o is not None else None, measured="requests" in ours)

    runs, bruns = ours.get("runs_7_9", []), br.get("runs_7_9", [])
    n = median_of(runs, "resources")
    o, b = median_of(runs, "up", "wall_s"), median_of(bruns, "up", "wall_s")
    t.row(7, f"`pulumi up` of {n:.0f} resources, rate limit off" if n else "`pulumi up`, rate limit off",
          _s(o), _s(b), ratio(o, b, False) if b else "", "≤ 0.5× bridged", None if not (o and b) else o <= 0.5 * b,
          measured="runs_7_9" in ours)

    def limited(r):
        runs8 = r.get("runs_8", [])
        wall, floor = median_of(runs8, "wall_s"), median_of(runs8, "floor_s")
        if wall is None:
            return None, None
        fails = sum(1 for x in runs8 if "failed" in x)
        versus = f"{wall / floor:.2f}× floor {floor:.1f} s" if floor > 0 else "all within the burst"
        return wall, f"{wall:.1f} s = {versus}, {median_of(runs8, 'rate_limited'):.0f} 429s, {fails} failed"

    (ow, otext), (bw, btext) = limited(ours), limited(br)
    owall_ok = None
    if ow is not None:
        floor = median_of(ours["runs_8"], "floor_s")
        owall_ok = None if floor <= 0 else all("failed" not in x for x in ours["runs_8"]) and ow <= 1.15 * floor
    n8 = median_of(ours.get("runs_8", []), "resources")
    t.row(8, f"the same up of {n8:.0f} on the free preset (2 rps)" if n8 else "up on the free preset",
          otext, btext, ratio(ow, bw, False) if bw else "", "0 failures, ≤ 1.15 × requests/rate", owall_ok, measured="runs_8" in ours)

    for key, what in (("refresh", "`pulumi refresh`"), ("preview", "`pulumi preview`")):
        o, b = median_of(runs, key, "wall_s"), median_of(bruns, key, "wall_s")
        t.row(9, f"{what} of the same", _s(o), _s(b), ratio(o, b, False) if b else "", measured="runs_7_9" in ours)

    def imported(r):
        pi = r.get("python_import")
        if not pi:
            return None
        return (f"{pi['extra_s']:+.3f} s, {pi['extra_mib']:+.1f} MiB; naming Client, ResourceServer, "
                f"ClientGrant: {pi['extra_with_m2m_s']:+.3f} s, {pi['extra_with_m2m_mib']:+.1f} MiB")

    pi = ours.get("python_import")
    ok = None if not pi else (pi["extra_s"] <= 0.03 and pi["extra_mib"] <= 3)
    t.row(10, "`import pulumi_auth0` over `import pulumi`", imported(ours), imported(br) if br else None, "",
          "≤ +0.03 s, ≤ +3 MiB", ok, measured="python_import" in ours)

    for run in ours.get("scale", []):
        n = run["resources"]
        other = next((x for x in br.get("scale", []) if x["resources"] == n), None)
        cell = lambda r: None if r is None else f"{_s(r['up']['wall_s'])}, plugin peak {_mib_kib(r['up']['plugin_peak_kib'])}"  # noqa: E731
        t.row("S", f"`pulumi up` of {n} clients: wall, plugin peak RSS", cell(run),
              cell(other) if other else ("not run (too slow)" if br else None),
              ratio(run["up"]["wall_s"], other["up"]["wall_s"], False) if other else "")
        refresh = run.get("refresh_enterprise")
        if refresh:
            wall, floor = refresh["wall_s"], refresh["floor_s"]
            failed = "failed" in refresh
            versus = f"{wall / floor:.2f}× floor {floor:.1f} s" if floor > 0 else "all within the burst"
            t.row("S", f"`pulumi refresh` of {n} clients at enterprise (16 rps, burst 50)",
                  f"{wall:.1f} s = {versus}, {refresh['rate_limited']} 429s, "
                  f"{1 if failed else 0} failed", "n/a" if br else None, "", "≤ 1.1× floor, 0 failures",
                  None if floor <= 0 else (not failed) and wall <= 1.1 * floor)
    return t.text(), t.problems
