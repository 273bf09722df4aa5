#!/usr/bin/env python3
"""fleet-verify: Firedrill's checks of the edge tier against fleet-config. Root only, on the reconciler host:
nothing the learner can write feeds it (they have no login here; what they push to git and do on the edges
is exactly what it measures).

  fleet-verify drift           exit 0 when `ansible-playbook site.yml --check` at the server's main reports
                               no change on any edge (all reachable, none failed)
  fleet-verify reports-timeout exit 0 when edge-2 waits long enough for /reports (effective proxy_read_timeout
                               of its /reports/ location >= MIN_REPORTS_TIMEOUT) AND there is no drift, so
                               that setting is what main renders: the fix is in fleet-config
  fleet-verify reconciler      exit 0 when the reconciler is not paused and its last run succeeded at main
  fleet-verify not-converged   exit 0 when the reconciler is paused or the edges differ from main (the
                               lower-scoring way out: healthy, but not through Git)

The --check is the real thing and costs seconds of CPU, so its result is kept until something it depends on
changes: main's commit, or any file under /etc/nginx or nginx's pid on any edge (read over SSH through one
multiplexed connection per host), or CHECK_TTL seconds pass.
"""
import fcntl
import hashlib
import json
import os
import re
import subprocess
import sys
import time

EDGES = ["edge-1", "edge-2", "edge-3"]
REPO = "git@git:fleet-config.git"
CACHE = "/var/cache/fleet-verify"
KEY = "/var/lib/reconciler/.ssh/id_ed25519"
STATE = "/var/lib/reconciler/state.json"
CHECK_TTL = float(os.environ.get("FLEET_VERIFY_TTL", "120"))
KEY_TTL = 4.0  # the checks of one or two polls share one look at the fleet (4 SSH commands)
MIN_REPORTS_TIMEOUT = 5.0  # seconds: reports take 2.5-4 s plus a 0.3 s handshake
SSH = ["ssh", "-i", KEY, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new",
       "-o", f"UserKnownHostsFile={CACHE}/known_hosts", "-o", "ControlMaster=auto",
       "-o", f"ControlPath={CACHE}/cm-%C", "-o", "ControlPersist=600", "-o", "ConnectTimeout=5"]
RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)")


def sh(cmd, timeout=30, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def write_json(path, value):
    with open(f"{path}.tmp", "w", encoding="utf-8") as f:
        json.dump(value, f)
    os.replace(f"{path}.tmp", path)


def ssh_env():
    return dict(os.environ, GIT_SSH_COMMAND=" ".join(SSH))


def main_commit():
    out = sh(["git", "ls-remote", REPO, "refs/heads/main"], env=ssh_env())
    if out.returncode != 0 or not out.stdout.strip():
        raise SystemExit(f"cannot read main from the git server: {out.stderr.strip()[-200:]}")
    return out.stdout.split()[0]


def edge_fingerprint(host):
    """Everything site.yml manages on a host, hashed: the nginx tree and whether nginx runs."""
    remote = ("sudo sh -c 'find /etc/nginx -type f -print0 | sort -z | xargs -0 sha256sum; "
              "cat /run/nginx.pid 2>/dev/null; pgrep -x nginx >/dev/null && echo nginx-up'")
    out = sh([*SSH, f"deploy@{host}", remote], timeout=15)
    return hashlib.sha256((str(out.returncode) + out.stdout).encode()).hexdigest()


def fleet_key():
    cached = read_json(f"{CACHE}/key.json")
    if cached and time.time() - cached["at"] < KEY_TTL:
        return cached
    head = main_commit()
    key = hashlib.sha256("\n".join([head, *(edge_fingerprint(h) for h in EDGES)]).encode()).hexdigest()
    value = {"at": time.time(), "head": head, "key": key}
    write_json(f"{CACHE}/key.json", value)
    return value


def check_mode(head):
    """ansible-playbook --check against main: what a run would change right now."""
    checkout = f"{CACHE}/checkout"
    env = ssh_env()
    if not os.path.isdir(f"{checkout}/.git"):
        out = sh(["git", "clone", "-q", REPO, checkout], env=env, timeout=60)
        if out.returncode != 0:
            raise SystemExit(f"cannot clone fleet-config: {out.stderr.strip()[-200:]}")
    for args in (["fetch", "-q", "origin", "main"], ["reset", "-q", "--hard", head], ["clean", "-qfdx"]):
        out = sh(["git", *args], cwd=checkout, env=env, timeout=60)
        if out.returncode != 0:
            raise SystemExit(f"git {args[0]} failed: {out.stderr.strip()[-200:]}")
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_REMOTE_USER="deploy", ANSIBLE_PRIVATE_KEY_FILE=KEY,
               ANSIBLE_SSH_ARGS=" ".join(SSH[3:]), ANSIBLE_LOCAL_TEMP=f"{CACHE}/tmp")
    out = sh(["ansible-playbook", "site.yml", "--check"], cwd=checkout, env=env, timeout=240)
    hosts = {}
    for line in out.stdout.splitlines():
        m = RECAP.match(line)
        if m:
            hosts[m[1]] = {"changed": int(m[3]), "unreachable": int(m[4]), "failed": int(m[5])}
    return {"rc": out.returncode, "hosts": hosts, "tail": out.stdout.strip().splitlines()[-3:]}


def drift():
    os.makedirs(CACHE, mode=0o700, exist_ok=True)
    with open(f"{CACHE}/lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        key = fleet_key()
        cached = read_json(f"{CACHE}/check.json")
        if cached and cached["key"] == key["key"] and time.time() - cached["at"] < CHECK_TTL:
            return cached
        result = dict(check_mode(key["head"]), key=key["key"], head=key["head"], at=time.time())
        write_json(f"{CACHE}/check.json", result)
        return result


def converged(result):
    hosts = result["hosts"]
    return (result["rc"] == 0 and sorted(hosts) == EDGES
            and all(h["changed"] == 0 and h["failed"] == 0 and h["unreachable"] == 0 for h in hosts.values()))


def describe(result):
    at = result["head"][:7]
    if converged(result):
        return f"ansible-playbook --check at {at}: changed=0 on {', '.join(EDGES)}"
    missing = [h for h in EDGES if h not in result["hosts"]]
    parts = [f"{h} changed={v['changed']}" + (f" failed={v['failed']}" if v["failed"] else "")
             + (" UNREACHABLE" if v["unreachable"] else "")
             for h, v in sorted(result["hosts"].items()) if v["changed"] or v["failed"] or v["unreachable"]]
    parts += [f"{h} not in the play" for h in missing]
    return f"ansible-playbook --check at {at}: {'; '.join(parts) or 'exit ' + str(result['rc'])}"


SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def nginx_seconds(text):
    total = 0.0
    for number, unit in re.findall(r"(\d+)(ms|s|m|h|d)?", text):
        total += int(number) * SECONDS[unit or "s"]
    return total


def reports_timeout():
    """Effective proxy_read_timeout of edge-2's location for /reports/ (location, else server, else http, else 60s)."""
    out = sh([*SSH, "deploy@edge-2", "sudo nginx -T 2>/dev/null"], timeout=15)
    if out.returncode != 0:
        return None, "nginx -T failed on edge-2"
    text = re.sub(r"#[^\n]*", "", out.stdout)
    tokens = re.findall(r'"[^"]*"|\'[^\']*\'|[{};]|[^\s{};]+', text)
    stack = [{"kind": "main", "timeout": None}]
    statement = []
    found = None
    for tok in tokens:
        if tok == "{":
            kind = statement[0] if statement else "?"
            args = statement[1:]
            stack.append({"kind": kind, "args": args, "timeout": None})
            statement = []
        elif tok == "}":
            block = stack.pop()
            if block["kind"] == "location" and any("/reports" in a for a in block["args"]):
                inherited = next((b["timeout"] for b in reversed(stack) if b["timeout"] is not None), None)
                found = block["timeout"] if block["timeout"] is not None else inherited
                if found is None:
                    found = 60.0
        elif tok == ";":
            if statement and statement[0] == "proxy_read_timeout" and len(statement) > 1:
                stack[-1]["timeout"] = nginx_seconds(statement[1])
            statement = []
        else:
            statement.append(tok)
    if found is None:
        return None, "edge-2 has no location for /reports/"
    return found, f"edge-2 /reports/ proxy_read_timeout {found:g}s"


def reconciler_state():
    state = read_json(STATE) or {}
    return state, state.get("last_run")


def main(argv):
    if os.geteuid() != 0:
        raise SystemExit("fleet-verify: root only")
    what = argv[0] if argv else ""
    if what == "drift":
        result = drift()
        print(describe(result))
        return 0 if converged(result) else 1
    if what == "reports-timeout":
        seconds, text = reports_timeout()
        result = drift()
        ok = seconds is not None and seconds >= MIN_REPORTS_TIMEOUT
        if ok and converged(result):
            print(f"{text}, as main renders it ({result['head'][:7]}, no drift)")
            return 0
        print(f"{text}{'' if converged(result) else '; hosts differ from main, so this is not what main renders'}"
              + ("" if ok else f" (needs >= {MIN_REPORTS_TIMEOUT:g}s)"))
        return 1
    if what == "reconciler":
        state, run = reconciler_state()
        if state.get("paused"):
            print(f"reconciler paused by {state['pause']['by']} since {state['pause']['at']}")
            return 1
        if not run:
            print("reconciler running, no run yet")
            return 1
        head = main_commit()
        text = (f"run #{run['n']} ({run['trigger']}) at {run['commit']}: rc={run['rc']} changed={run['changed']} "
                f"failed={run['failed']} unreachable={run['unreachable']}")
        if run["rc"] != 0:
            print(f"last {text}")
            return 1
        if not run["commit"] or not head.startswith(run["commit"]):
            print(f"last {text}; main is {head[:7]}, not applied yet")
            return 1
        print(f"reconciler running; last {text}")
        return 0
    if what == "not-converged":
        state, _ = reconciler_state()
        if state.get("paused"):
            print(f"reconciler paused by {state['pause']['by']} since {state['pause']['at']}")
            return 0
        result = drift()
        print(describe(result))
        return 1 if converged(result) else 0
    raise SystemExit("usage: fleet-verify drift|reports-timeout|reconciler|not-converged")


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.TimeoutExpired as error:
        print(f"timed out: {' '.join(error.cmd[:3])}")
        sys.exit(1)
