#!/usr/bin/env python3
"""reconciler: applies fleet-config to the edge tier on a schedule, the way ansible-pull or AWX would.

Every RECONCILE_INTERVAL seconds (120) the daemon fetches main from the git server and runs
`ansible-playbook site.yml --diff`. The run log keeps a few lines per run (trigger, commit, what changed,
the verdict); the whole ansible-playbook output of a run, diffs included, is kept for 7 days. On-call
controls it from the bastion over SSH (the key's forced command fixes who they are):

  reconciler status                       running or paused, the last run, the next one
  reconciler log [-n N] [-f]              the run log
  reconciler show [RUN]                   a run's whole ansible-playbook output, with diffs (default: the last)
  reconciler audit                        who paused, resumed or ran it, and when
  reconciler pause --reason TEXT          stop scheduled runs, until someone resumes (no expiry)
  reconciler resume [--reason TEXT] [--wait]   schedule again; a run starts at once
  reconciler run [--wait]                 run now (refused while paused)

Root on this host (Firedrill's faults and checks) may also pass --actor NAME and, for pause, --at TIME.
"""
import argparse
import datetime as dt
import fcntl
import json
import os
import pwd
import re
import select
import shlex
import subprocess
import sys
import time

HOME = "/var/lib/reconciler"
STATE = f"{HOME}/state.json"
STATE_LOCK = f"{HOME}/state.lock"
RUN_LOCK = f"{HOME}/run.lock"
CHECKOUT = f"{HOME}/fleet-config"
LOG = "/var/log/reconciler/reconciler.log"
AUDIT = "/var/log/reconciler/audit.log"
RUNS = "/var/log/reconciler/runs"
KEEP_OUTPUT_DAYS = 7
TRIGGER = "/run/reconciler/trigger"
REPO = os.environ.get("RECONCILE_REPO", "git@git:fleet-config.git")
INTERVAL = int(os.environ.get("RECONCILE_INTERVAL", "120"))
SERVICE_USER = "recon"
RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)")
TASK = re.compile(r"^(TASK|RUNNING HANDLER) \[(.*?)\]")
CHANGED = re.compile(r"^(changed|fatal|failed): \[([^\]]+)\]")


def now():
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text):
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)


def ago(t, ref=None):
    seconds = int(((ref or now()) - t).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n > 1 else ''} ago"
    return f"{seconds} s ago"


def duration(seconds):
    seconds = max(0, int(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


# ------------------------------------------------------------------ files owned by the service user

def owned_by_service(path):
    """Files written as root (faults) stay the service's: it must keep writing them."""
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVICE_USER)
        os.chown(path, user.pw_uid, user.pw_gid)


def append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    owned_by_service(path)


class Locked:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.f = open(self.path, "a+")
        owned_by_service(self.path)
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def load_state():
    try:
        with open(STATE, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {"paused": False, "pause": None, "runs": 0, "last_run": None, "next_run_at": None}


def save_state(state):
    tmp = f"{STATE}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=2)
        f.write("\n")
    owned_by_service(tmp)
    os.replace(tmp, STATE)


def update_state(change):
    with Locked(STATE_LOCK):
        state = load_state()
        change(state)
        save_state(state)
        return state


def audit(action, actor, detail="", at=None):
    append(AUDIT, f"{iso(at or now())}  {action:<7} {actor:<22} {detail}".rstrip())


# ------------------------------------------------------------------ the daemon

def git(*args, cwd=CHECKOUT):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def sync_checkout():
    """The checkout is main on the server, nothing else (hand edits in it are discarded too)."""
    if not os.path.isdir(f"{CHECKOUT}/.git"):
        result = subprocess.run(["git", "clone", "-q", REPO, CHECKOUT], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            return result
    for args in (("fetch", "-q", "origin", "main"), ("reset", "-q", "--hard", "origin/main"), ("clean", "-qfdx")):
        result = git(*args)
        if result.returncode != 0:
            return result
    return None


def run_once(trigger):
    with Locked(RUN_LOCK):
        state = load_state()
        if state.get("paused"):
            pause = state.get("pause") or {}
            if not state.get("skip_logged"):
                append(LOG, f"--- {iso(now())} scheduled runs skipped: paused by {pause.get('by')} since {pause.get('at')}")
                update_state(lambda s: s.__setitem__("skip_logged", True))
            return
        n = int(state.get("runs") or 0) + 1
        started = now()
        t0 = time.monotonic()
        append(LOG, f"==> run #{n} started {iso(started)} (trigger: {trigger})")
        failure = sync_checkout()
        commit = None
        hosts = {}
        if failure is not None:
            rc = failure.returncode or 1
            append(LOG, f"    git: {(failure.stderr or failure.stdout).strip()[-400:]}")
        else:
            info = git("log", "-1", "--format=%h%x00%s%x00%an%x00%cI").stdout.strip().split("\0")
            commit = info[0]
            append(LOG, f"    fleet-config {info[0]} {info[1]} ({info[2]}, {ago(parse_time(info[3]))})")
            env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", PYTHONUNBUFFERED="1")
            os.makedirs(RUNS, exist_ok=True)
            output = f"{RUNS}/{n}.log"
            with open(output, "w", encoding="utf-8") as out:
                proc = subprocess.run(["ansible-playbook", "site.yml", "--diff"], cwd=CHECKOUT, env=env,
                                      stdout=out, stderr=subprocess.STDOUT, text=True)
            rc = proc.returncode
            with open(output, encoding="utf-8") as f:
                text = f.read()
            task, touched = "?", {}
            for line in text.splitlines():
                m = TASK.match(line)
                if m:
                    task = m[2] + (" (handler)" if m[1] == "RUNNING HANDLER" else "")
                m = CHANGED.match(line)
                if m:
                    touched.setdefault(m[2], []).append(task if m[1] == "changed" else f"{task} FAILED")
                m = RECAP.match(line)
                if m:
                    hosts[m[1]] = {"ok": int(m[2]), "changed": int(m[3]), "unreachable": int(m[4]), "failed": int(m[5])}
            for host, tasks in sorted(touched.items()):
                append(LOG, f"    {host}: {', '.join(tasks)}")
            if touched or rc != 0:
                append(LOG, f"    whole output with diffs: reconciler show {n}")
            prune_outputs()
        finished = now()
        record = {
            "n": n, "trigger": trigger, "commit": commit, "started": iso(started), "finished": iso(finished),
            "seconds": round(time.monotonic() - t0, 1), "rc": rc, "hosts": hosts,
            "changed": sum(h["changed"] for h in hosts.values()),
            "failed": sum(h["failed"] for h in hosts.values()),
            "unreachable": sum(h["unreachable"] for h in hosts.values()),
        }
        append(LOG, summary(record))

        def store(s):
            s["runs"] = n
            s["last_run"] = record
        update_state(store)


def prune_outputs():
    cutoff = time.time() - KEEP_OUTPUT_DAYS * 86400
    for name in os.listdir(RUNS):
        path = f"{RUNS}/{name}"
        if os.path.getmtime(path) < cutoff:
            os.remove(path)


def summary(run):
    """The one line a run ends with (also what `run --wait` and resume print last)."""
    changed = [f"{h}: {v['changed']}" for h, v in sorted(run["hosts"].items()) if v["changed"]]
    verdict = "succeeded" if run["rc"] == 0 else f"FAILED (exit {run['rc']})"
    return (f"<== run #{run['n']} {verdict} in {run['seconds']}s at {run['commit'] or '(no commit)'}: "
            f"changed={run['changed']}{' (' + ', '.join(changed) + ')' if changed else ''} "
            f"failed={run['failed']} unreachable={run['unreachable']}")


def daemon():
    os.makedirs(os.path.dirname(TRIGGER), exist_ok=True)
    if not os.path.exists(TRIGGER):
        os.mkfifo(TRIGGER, 0o600)
    fd = os.open(TRIGGER, os.O_RDWR | os.O_NONBLOCK)  # read-write: the pipe always has a reader
    update_state(lambda s: None)
    # The git server may still be starting: clone as soon as it answers (the healthcheck waits for the checkout).
    while (failure := sync_checkout()) is not None:
        print(f"reconciler: waiting for {REPO}: {(failure.stderr or failure.stdout).strip()[-200:]}", flush=True)
        time.sleep(1)
    print(f"reconciler: every {INTERVAL}s from {REPO}", flush=True)
    next_at = time.monotonic() + INTERVAL
    while True:
        update_state(lambda s: s.__setitem__("next_run_at", iso(now() + dt.timedelta(seconds=max(0, next_at - time.monotonic())))))
        ready, _, _ = select.select([fd], [], [], max(0.0, next_at - time.monotonic()))
        trigger = "schedule"
        if ready:
            try:
                lines = [l for l in os.read(fd, 65536).decode(errors="replace").splitlines() if l.strip()]
            except BlockingIOError:
                lines = []
            if not lines:
                continue
            trigger = lines[0]
        try:
            run_once(trigger)
        except Exception as error:  # a broken run must not stop the schedule
            append(LOG, f"<== run failed to start: {error}")
        next_at = time.monotonic() + INTERVAL


# ------------------------------------------------------------------ control

def send_trigger(text):
    fd = os.open(TRIGGER, os.O_WRONLY | os.O_NONBLOCK)
    try:
        os.write(fd, (text + "\n").encode())
    finally:
        os.close(fd)


def wait_for_run(after, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = load_state().get("last_run")
        if run and run["n"] > after:
            return run
        time.sleep(0.5)
    raise SystemExit(f"reconciler: no run finished within {timeout}s; see `reconciler log`")


def print_run(run):
    """A run's whole ansible-playbook output, then its summary line."""
    path = f"{RUNS}/{run['n']}.log"
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            sys.stdout.write(f.read())
    print(summary(run))


def cmd_status(args, actor):
    state = load_state()
    if state.get("paused"):
        pause = state.get("pause") or {}
        at = parse_time(pause["at"]) if pause.get("at") else None
        print(f"reconciler: PAUSED by {pause.get('by')} since {pause.get('at')}{f' ({ago(at)})' if at else ''}")
        print(f"  reason:   {pause.get('reason') or '(none given)'}")
        print("  scheduled runs are skipped until someone runs `reconciler resume` (a pause does not expire)")
    else:
        nxt = state.get("next_run_at")
        left = f" (next run in {duration((parse_time(nxt) - now()).total_seconds())})" if nxt else ""
        print(f"reconciler: RUNNING: applies fleet-config main every {duration(INTERVAL)}{left}")
    run = state.get("last_run")
    if run:
        print(f"  last run: #{run['n']} at {run['finished']} ({ago(parse_time(run['finished']))}), trigger: {run['trigger']}")
        print(f"            {summary(run)[4:]}")
    else:
        print("  last run: none yet")


def cmd_log(args, actor):
    if not os.path.exists(LOG):
        print("(the run log is empty)")
        return
    with open(LOG, encoding="utf-8") as f:
        lines = f.readlines()
    sys.stdout.write("".join(lines[-args.n:]))
    sys.stdout.flush()
    if not args.follow:
        return
    with open(LOG, encoding="utf-8") as f:
        f.seek(0, os.SEEK_END)
        while True:  # until Ctrl-C
            line = f.readline()
            if line:
                sys.stdout.write(line)
                sys.stdout.flush()
            else:
                time.sleep(1)


def cmd_show(args, actor):
    state = load_state()
    last = state.get("last_run")
    n = args.run if args.run is not None else (last or {}).get("n")
    if n is None:
        print("reconciler: no run yet")
        return
    path = f"{RUNS}/{n}.log"
    if not os.path.exists(path):
        raise SystemExit(f"reconciler: the output of run #{n} is not kept (outputs are kept {KEEP_OUTPUT_DAYS} days); "
                         "`reconciler log` has its summary")
    with open(path, encoding="utf-8") as f:
        sys.stdout.write(f.read())
    if last and last.get("n") == n:
        print(summary(last))


def cmd_audit(args, actor):
    if os.path.exists(AUDIT):
        with open(AUDIT, encoding="utf-8") as f:
            sys.stdout.write(f.read())
    else:
        print("(no audit entries)")


def cmd_pause(args, actor):
    at = parse_time(args.at) if args.at else now()
    with Locked(RUN_LOCK):  # waits for a run in progress: nothing starts after pause returns
        state = load_state()
        if state.get("paused"):
            pause = state["pause"]
            print(f"reconciler: already paused by {pause['by']} since {pause['at']}")
            return
        update_state(lambda s: s.update(paused=True, skip_logged=False, pause={"by": actor, "at": iso(at), "reason": args.reason}))
        audit("pause", actor, f'reason="{args.reason}"', at)
        append(LOG, f"--- {iso(at)} paused by {actor}: {args.reason}")
    print(f"reconciler: paused by {actor}. Scheduled runs are skipped until `reconciler resume`.")


def cmd_resume(args, actor):
    state = load_state()
    if not state.get("paused"):
        print("reconciler: not paused")
        return
    pause = state.get("pause") or {}
    before = int(state.get("runs") or 0)
    update_state(lambda s: s.update(paused=False, pause=None, skip_logged=False))
    reason = f' reason="{args.reason}"' if args.reason else ""
    audit("resume", actor, f"(paused by {pause.get('by')} since {pause.get('at')}){reason}")
    append(LOG, f"--- {iso(now())} resumed by {actor}{': ' + args.reason if args.reason else ''}")
    if args.no_run:
        print("reconciler: resumed; the next scheduled run applies main")
        return
    send_trigger(f"resume by {actor}")
    print(f"reconciler: resumed by {actor}; a run starts now")
    if args.wait:
        print_run(wait_for_run(before))


def cmd_run(args, actor):
    state = load_state()
    if state.get("paused"):
        pause = state.get("pause") or {}
        print(f"reconciler: paused by {pause.get('by')} since {pause.get('at')}; `reconciler resume` first", file=sys.stderr)
        raise SystemExit(3)
    before = int(state.get("runs") or 0)
    audit("run", actor, "requested a run now")
    send_trigger(f"manual by {actor}")
    print(f"reconciler: run requested by {actor}")
    if args.wait:
        run = wait_for_run(before)
        print_run(run)
        if run["rc"] != 0:
            raise SystemExit(1)


def parser():
    p = argparse.ArgumentParser(prog="reconciler", description="Applies fleet-config main to the edge tier on a schedule.")
    p.add_argument("--actor", help=argparse.SUPPRESS)
    p.add_argument("--ssh", action="store_true", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", required=True, metavar="{status,log,show,audit,pause,resume,run}")
    sub.add_parser("daemon")  # no help: not listed
    sub.add_parser("status", help="running or paused, last run, next run")
    log = sub.add_parser("log", help="the run log")
    log.add_argument("-n", type=int, default=80, help="lines (default 80)")
    log.add_argument("-f", "--follow", action="store_true", help="keep printing new lines (Ctrl-C stops)")
    show = sub.add_parser("show", help="a run's whole ansible-playbook output, with diffs")
    show.add_argument("run", nargs="?", type=lambda v: int(v.lstrip("#")), help="run number (default: the last)")
    sub.add_parser("audit", help="who paused, resumed or ran the reconciler, and when")
    pause = sub.add_parser("pause", help="stop scheduled runs (until resumed; no expiry)")
    pause.add_argument("--reason", required=True)
    pause.add_argument("--at", help=argparse.SUPPRESS)
    resume = sub.add_parser("resume", help="schedule runs again; one starts at once")
    resume.add_argument("--reason")
    resume.add_argument("--wait", action="store_true", help="wait for that run and print it")
    resume.add_argument("--no-run", action="store_true", help=argparse.SUPPRESS)
    run = sub.add_parser("run", help="run now")
    run.add_argument("--wait", action="store_true", help="wait for the run and print it")
    return p


def main(argv):
    p = parser()
    if "--ssh" in argv:
        # Called by sshd as the key's forced command: the options come from authorized_keys, the
        # subcommand from what the user typed (SSH_ORIGINAL_COMMAND). Hidden options are not theirs to set.
        typed = shlex.split(os.environ.get("SSH_ORIGINAL_COMMAND", "") or "status")
        if any(t in ("--actor", "--at", "--ssh", "--no-run", "daemon") or t.startswith(("--actor=", "--at=")) for t in typed):
            raise SystemExit("reconciler: that option is not available over SSH")
        argv = argv + typed
    args = p.parse_args(argv)
    is_root = os.geteuid() == 0
    if args.command == "daemon":
        return daemon()
    if args.actor and not (is_root or args.ssh):
        raise SystemExit("reconciler: --actor is for root")
    if getattr(args, "at", None) and not is_root:
        raise SystemExit("reconciler: --at is for root")
    actor = args.actor or pwd.getpwuid(os.getuid()).pw_name
    commands = {"status": cmd_status, "log": cmd_log, "show": cmd_show, "audit": cmd_audit, "pause": cmd_pause,
                "resume": cmd_resume, "run": cmd_run}
    try:
        commands[args.command](args, actor)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
