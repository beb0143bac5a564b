#!/usr/bin/env bash
# bench-k8s.sh — API calls and wall time of a Kubernetes color switch, measured
# against a real kube-apiserver (scripts/kube-test-env.sh), through the rvmctl binary.
#
#   scripts/bench-k8s.sh [runs]     (default 10 deploys; RVMCTL_BIN, default target/release/rvmctl)
#
# Measured per deploy from rvmctl's own API log (RVMCTL_K8S_API_LOG, one line per request
# with start time and duration): from the end of the readiness poll that saw the new color
# ready, to the end of the Service write that switched the selector. In between rvmctl
# points the preview Service at the new color, re-checks the new color's ready replicas and
# writes the selector once. No health checks are configured (they cost whatever the app's
# endpoints cost). A stand-in kubelet patches Deployment status so Deployments become ready.
# Side by side, on the same apiserver: `rvmctl rollback` (the instant switch back to the
# previous, still-ready color) against `kubectl patch service` (the bare selector write) and
# against a kubectl script that first waits for the target color (`kubectl rollout status`),
# as rvmctl does. kubectl is Debian's kubernetes-client when none is installed.
# Writes the `## Kubernetes switch` section of docs/benchmarks.md (other sections are kept).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}
BIN=${RVMCTL_BIN:-target/release/rvmctl}
[[ -x $BIN ]] || { echo "build first: cargo build --release" >&2; exit 1; }
if ! command -v kubectl >/dev/null; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get install -y -qq kubernetes-client >/dev/null
fi
WORK=$(mktemp -d)
ENV_DIR=$WORK/kube
cleanup() {
  [[ -n ${SIM_PID:-} ]] && kill "$SIM_PID" 2>/dev/null || true
  scripts/kube-test-env.sh stop "$ENV_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
scripts/kube-test-env.sh start "$ENV_DIR" 2>/dev/null
set -a; . "$ENV_DIR/env"; set +a
NS=bench-$$
export WORK NS RUNS BIN

python3 - <<'PY'
import json, os, re, shutil, ssl, subprocess, sys, threading, time, urllib.request, statistics, platform

url, token, ns, work = os.environ["KUBE_API_URL"], os.environ["KUBE_ADMIN_TOKEN"], os.environ["NS"], os.environ["WORK"]
ctx = ssl.create_default_context(cafile=os.environ["KUBE_CA_FILE"])
def req(method, path, body=None, ctype="application/json"):
    r = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                               headers={"Authorization": "Bearer " + token, "Content-Type": ctype})
    with urllib.request.urlopen(r, context=ctx) as resp:
        return json.load(resp)
req("POST", "/api/v1/namespaces", {"metadata": {"name": ns}})

stop = False
def kubelet():  # marks every Deployment in the namespace ready
    while not stop:
        try:
            for d in req("GET", f"/apis/apps/v1/namespaces/{ns}/deployments")["items"]:
                want, gen, st = d["spec"].get("replicas", 1), d["metadata"]["generation"], d.get("status", {})
                if st.get("observedGeneration") != gen or st.get("readyReplicas", 0) != want:
                    req("PATCH", f"/apis/apps/v1/namespaces/{ns}/deployments/{d['metadata']['name']}/status",
                        {"status": {"observedGeneration": gen, "replicas": want, "updatedReplicas": want,
                                    "readyReplicas": want, "availableReplicas": want}},
                        "application/merge-patch+json")
        except Exception as e:
            print("kubelet:", e, file=sys.stderr)
        time.sleep(0.05)
threading.Thread(target=kubelet, daemon=True).start()

cfg = os.path.join(work, "deployment-config.yaml")
open(cfg, "w").write(f"""apiVersion: rvmctl/v1
project: bench
defaults:
  timeout: 60s
  post_switch_monitor: 0s
environments:
  bench:
    targets:
      - name: backend
        kind: kubernetes
        app: api
        namespace: {ns}
apps:
  api:
    image: registry.example/api:{{version}}
    replicas: 3
    port: 8080
    service: api
    preview_service: api-preview
""")
rows = []
for i in range(int(os.environ["RUNS"]) + 1):
    log = os.path.join(work, f"api-{i}.log")
    env = dict(os.environ, RVMCTL_K8S_API_LOG=log, CI="true", RVMCTL_USER="bench")
    t0 = time.monotonic()
    p = subprocess.run([os.environ["BIN"], "-q", "-f", cfg, "deploy", "-e", "bench", "--version", f"1.0.{i}", "--yes"],
                       env=env, capture_output=True, text=True)
    total = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"deploy {i} failed:\n{p.stderr}")
    lines = [l.split() for l in open(log)]
    calls = [(int(a), int(b), v, r, n) for a, b, v, r, n, *_ in lines]
    color = "blue" if i % 2 == 0 else "green"
    sw = next(k for k, c in enumerate(calls) if c[2] in ("patch", "create") and c[3] == "services" and c[4] == "api")
    ready = max(k for k, c in enumerate(calls[:sw]) if c[2] == "get" and c[3] == "deployments" and c[4] == f"api-{color}"
                and any(x[3] == "services" and x[4] == "api-preview" for x in calls[k + 1:sw]))
    ready_end = calls[ready][0] + calls[ready][1]
    switch_end = calls[sw][0] + calls[sw][1]
    if i > 0:  # the first deploy creates the Service: not a switch
        rows.append({"ms": (switch_end - ready_end) / 1000, "calls": sw - ready,
                     "writes": sum(1 for c in calls[ready + 1:sw + 1] if c[2] not in ("get", "list", "watch")), "total_calls": len(calls),
                     "total_s": total, "seq": [f"{c[2]} {c[3]}/{c[4]}" for c in calls[ready + 1:sw + 1]], "slow": max((c[1], f"{c[2]} {c[3]}/{c[4]}") for c in calls[ready + 1:sw + 1])})

# Side by side: the switch alone. rvmctl rollback flips the Service back to the previous color
# (still ready: the stand-in kubelet keeps both Deployments ready).
def timed(cmd, env=None):
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=env or os.environ, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{p.stderr}")
    return time.monotonic() - t0, p.stderr
def live():
    return req("GET", f"/api/v1/namespaces/{ns}/services/api")["spec"]["selector"]["color"]
other = {"blue": "green", "green": "blue"}
n = int(os.environ["RUNS"])
rb = []
for i in range(n):
    log = os.path.join(work, f"rollback-{i}.log")
    before = live()
    dt, _ = timed([os.environ["BIN"], "-q", "-f", cfg, "rollback", "-e", "bench", "--yes"],
                  dict(os.environ, RVMCTL_K8S_API_LOG=log, CI="true", RVMCTL_USER="bench"))
    assert live() == other[before], "rollback did not switch"
    calls = [l.split() for l in open(log)]
    rb.append((dt, len(calls), sum(1 for c in calls if c[2] not in ("get", "list", "watch"))))
kubectl = shutil.which("kubectl")
kver = subprocess.run([kubectl, "version", "--client"], capture_output=True, text=True).stdout.splitlines()[0]
def api_calls(verbose):
    return len(re.findall(r"\b(GET|PATCH|POST|PUT|DELETE) https://", verbose))
kp, ks = [], []
for i in range(n):
    to = other[live()]
    patch = json.dumps({"spec": {"selector": {"app": "api", "color": to}}})
    dt, err = timed([kubectl, "-v=6", "-n", ns, "patch", "service", "api", "-p", patch])
    kp.append((dt, api_calls(err)))
    to = other[live()]
    patch = json.dumps({"spec": {"selector": {"app": "api", "color": to}}})
    t0 = time.monotonic()
    _, e1 = timed([kubectl, "-v=6", "-n", ns, "rollout", "status", f"deployment/api-{to}", "--timeout=60s"])
    _, e2 = timed([kubectl, "-v=6", "-n", ns, "patch", "service", "api", "-p", patch])
    ks.append((time.monotonic() - t0, api_calls(e1) + api_calls(e2)))
    assert live() == to
stop = True
med = lambda xs: statistics.median(xs)
rb_s, kp_s, ks_s = med([r[0] for r in rb]), med([k[0] for k in kp]), med([k[0] for k in ks])
compare = f"""
Side by side on the same apiserver ({n} runs each, medians; {kver}):

| command | wall time | API calls (writes) | rvmctl / this |
|---|---:|---:|---:|
| `rvmctl rollback` (Lease, read both colors, check the target is ready, one guarded selector write, history, release) | {rb_s * 1000:.0f} ms | {med([r[1] for r in rb]):.0f} ({med([r[2] for r in rb]):.0f}) | 1.00 |
| `kubectl patch service api` (the bare selector write, no checks) | {kp_s * 1000:.0f} ms | {med([k[1] for k in kp]):.0f} (1) | {rb_s / kp_s:.2f} |
| `kubectl rollout status deployment/api-<color>` then `kubectl patch service api` | {ks_s * 1000:.0f} ms | {med([k[1] for k in ks]):.0f} (1) | {rb_s / ks_s:.2f} |
"""

ms = [r["ms"] for r in rows]
q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]
section = f"""## Kubernetes switch

Measured by `scripts/bench-k8s.sh` ({len(rows)} switches, {time.strftime('%Y-%m-%d')}) through the rvmctl binary
against a real kube-apiserver v1.20.2 + etcd on loopback (scripts/kube-test-env.sh), on this
{os.cpu_count()}-core {platform.machine()} machine (see Machine). App: 3 replicas, a preview Service, no
health checks, `post_switch_monitor: 0s`. A stand-in kubelet patches Deployment status.

From "new color ready" (end of the readiness poll that saw it ready) to "selector switched"
(end of the one Service write):

| | median | p90 | max |
|---|---|---|---|
| wall time | {statistics.median(ms):.1f} ms | {q(ms, .9):.1f} ms | {max(ms):.1f} ms |
| API calls | {statistics.median([r['calls'] for r in rows]):.0f} | {q([r['calls'] for r in rows], .9)} | {max(r['calls'] for r in rows)} |
| of them writes | {statistics.median([r['writes'] for r in rows]):.0f} | {q([r['writes'] for r in rows], .9)} | {max(r['writes'] for r in rows)} |

The calls in that window, in order: {', '.join(rows[-1]['seq'])}.
Exactly one of them writes the live Service; the two ConfigMap patches are the journal (the end of
the preview step, the start of the switch) that `resume`/`abort` read after a kill. Whole deploy (lock, apply, wait, switch, history,
release; process start included): median {statistics.median([r['total_s'] for r in rows]):.2f} s and
{statistics.median([r['total_calls'] for r in rows]):.0f} API calls; most of that is the readiness poll (every 250 ms).
"""
section += compare
open(os.path.join(work, "section.md"), "w").write(section)
print("slowest call per switch (µs):", [r["slow"] for r in rows], file=sys.stderr)
PY
scripts/bench/put-section.py docs/benchmarks.md "Kubernetes switch" <"$WORK/section.md"
cat "$WORK/section.md"
