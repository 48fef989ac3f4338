"""Measures the app and the bare window (see benches/app.sh, which sets up the display and
the keyring). Memory: PSS (shared pages split between processes, so libraries count once) and
RSS, summed over the process and its descendants (WebKitWebProcess, WebKitNetworkProcess)."""

import json
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"
RUNS = int(os.environ.get("RUNS", "5"))
SETTLE = float(os.environ.get("SETTLE", "20"))  # seconds idle before measuring, as the issue measured


def descendants(pid):
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in children:
        out += descendants(int(child))
    return out


def memory_kib(pid):
    pss = rss = 0
    by_process = {}
    for p in descendants(pid):
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
            name = Path(f"/proc/{p}/comm").read_text().strip()
        except OSError:
            continue
        one = int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))
        pss += one
        rss += int(re.search(r"^Rss:\s+(\d+)", text, re.M).group(1))
        by_process[name] = by_process.get(name, 0) + one
    return pss, rss, len(descendants(pid)), by_process


def run_once(binary, env):
    log = tempfile.TemporaryFile()
    start = time.time()
    proc = subprocess.Popen([str(binary)], env=env, stderr=log, stdout=subprocess.DEVNULL)
    time.sleep(SETTLE)
    pss, rss, processes, by_process = memory_kib(proc.pid)
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.seek(0)
    text = log.read().decode(errors="replace")
    marks = {m: int(ms) / 1000 - start for m, ms in re.findall(r"startup: (.+?) at (\d+)", text)}
    return {"pss": pss, "rss": rss, "processes": processes, "by_process": by_process, **marks}


def start_op(home):
    out = open(home / "op.out", "w")
    op = subprocess.Popen(["node", str(ROOT / "tests/op/server.js")],
                          env={**os.environ, "OP_ACCESS_TTL": "3600"}, stdout=out, stderr=subprocess.DEVNULL)
    for _ in range(100):
        text = (home / "op.out").read_text()
        if text:
            return op, json.loads(text.splitlines()[0])["issuer"]
        time.sleep(0.1)
    raise SystemExit("the test OP did not start")


def main():
    home = Path(tempfile.mkdtemp(prefix="oauth-desk-bench-"))
    op, issuer = start_op(home)
    env = {**os.environ, "OAUTH_DESK_HOME": str(home), "OAUTH_DESK_STARTUP_PROBE": "1",
           "BROWSER": f"node {ROOT / 'tests/op/browser.js'}"}
    cli = RELEASE / "oauth-desk"
    try:
        # One of the three is a DPoP provider (its key in the vault, DPoP-bound tokens).
        for name, client, secret, extra in [("dpop", "dpop-app", None, ["--dpop"]),
                                            ("basic", "basic-app", "basic secret:with/special+chars%", []),
                                            ("post", "post-app", "post-secret-0123456789", [])]:
            args = [str(cli), "provider", "add", name, "--issuer", issuer, "--client-id", client,
                    "--scope", "openid offline_access profile", "--param", "prompt=consent", *extra]
            if secret:
                args.append("--client-secret-stdin")
            subprocess.run(args, env=env, input=(secret or "").encode(), check=True, capture_output=True)
            subprocess.run([str(cli), "login", name], env=env, check=True, capture_output=True)
        # Interleaved (A B C D A B C D …) so that a busy moment of the machine touches each alike.
        # The app paints without accelerated compositing (src-tauri/src/lean.rs): the bare window
        # runs both as Tauri makes it (the goal's yardstick) and painting as the app does (the
        # app's own cost), the app both as it ships and with WebKit's compositing given back
        # (WEBKIT_DISABLE_COMPOSITING_MODE=0, which the app leaves alone) — what the setting saves.
        runs = [("bare Tauri 2 window", RELEASE / "examples" / "bare_window", {}),
                ("the bare window without compositing, as the app paints", RELEASE / "examples" / "bare_window",
                 {"WEBKIT_DISABLE_COMPOSITING_MODE": "1"}),
                ("OAuth Desk, 3 providers signed in (one DPoP)", RELEASE / "oauth-desk-app", {}),
                ("the same with WebKit's compositing", RELEASE / "oauth-desk-app",
                 {"WEBKIT_DISABLE_COMPOSITING_MODE": "0"})]
        results = {label: [] for label, _, _ in runs}
        for _ in range(RUNS):
            for label, binary, extra in runs:
                results[label].append(run_once(binary, {**env, **extra}))
    finally:
        op.terminate()
    med = lambda rs, k: statistics.median(r[k] for r in rs if k in r) if any(k in r for r in rs) else None
    bare, bare_flat, app, composited = results.values()
    print(f"| {RUNS} runs, medians | PSS (MiB) | RSS (MiB) | processes | page loaded (ms) | providers listed (ms) |")
    print("|---|---|---|---|---|---|")
    for label, rs in results.items():
        listed = med(rs, "providers listed")
        print(f"| {label} | {med(rs, 'pss') / 1024:.0f} | {med(rs, 'rss') / 1024:.0f} | {med(rs, 'processes'):.0f} "
              f"| {med(rs, 'page loaded') * 1000:.0f} | {'' if listed is None else f'{listed * 1000:.0f}'} |")
    for label, rs in results.items():
        names = sorted({n for r in rs for n in r["by_process"]})
        parts = ", ".join(f"{n} {statistics.median(r['by_process'].get(n, 0) for r in rs) / 1024:.0f}" for n in names)
        print(f"| PSS by process, {label} | {parts} | | | | |")
    # The bare window is interactive when its page has loaded; the app when its providers are listed.
    print(f"| ratio app / bare | {med(app, 'pss') / med(bare, 'pss'):.2f} | {med(app, 'rss') / med(bare, 'rss'):.2f} | "
          f"| {med(app, 'page loaded') / med(bare, 'page loaded'):.2f} "
          f"| {med(app, 'providers listed') / med(bare, 'page loaded'):.2f} (interactive) |")
    print(f"| ratio app / the bare window painting alike | {med(app, 'pss') / med(bare_flat, 'pss'):.2f} "
          f"| {med(app, 'rss') / med(bare_flat, 'rss'):.2f} | | | |")
    print(f"| ratio with WebKit's compositing / bare | {med(composited, 'pss') / med(bare, 'pss'):.2f} "
          f"| {med(composited, 'rss') / med(bare, 'rss'):.2f} | | | |")

main()
