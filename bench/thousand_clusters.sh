#!/usr/bin/env bash
# Benchmark: what idle Redis clusters cost, and how the commands scale, with
# N single-node Redis clusters running (N in NS, default "1 100 1000"; the
# same state home grows from one N to the next). For each N, after ~3 s of
# settling:
#  1. idle cost over IDLE_SECONDS: whole machine busy (/proc/stat, % of all
#     CPUs), CPU of this home's node daemons together and of its engines
#     together (utime+stime, % of one core);
#  2. RSS of all node daemons and of all engines (VmRSS);
#  3. create one more -> available, and delete + wait deleted of it, median
#     of RUNS;
#  4. describe-cache-clusters of all: wall and CPU time (user+sys), median of
#     RUNS.
# Once per run: a bare redis-server's exec -> first PONG, median of 10.
# Every timed start (create, bare engine) comes SETTLE_MS (100) after the
# step before it, so that none is timed during the last one's teardown.
# Targets: node daemons together under 5% of one core idle at N = 1,000;
# create -> available at N = 1,000 within 1.2x of N = 1; describe of all
# 1,000 under 300 ms; delete under 30 ms per cluster; create -> available at
# N = 1 under 1.3x a bare engine's exec -> first PONG.
# If creating the clusters fails part-way (machine limits), the largest N
# reached is measured. Prints a markdown table at the end.
# The whole run holds /tmp/bench.lock (idle clusters load the machine too).
set -euo pipefail
cd "$(dirname "$0")/.."
NS=${NS:-1 100 1000}
IDLE_SECONDS=${IDLE_SECONDS:-20}
RUNS=${RUNS:-5}
PARALLEL=${PARALLEL:-2}  # background clusters created at once (not timed)
C=${CACHECTL:-$PWD/build/bin/cachectl}  # CACHECTL=... times another build
[ -x "$C" ] || { echo "no cachectl at $C" >&2; exit 1; }
# Each daemon and engine is its own process, but raise the soft limit anyway.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
HOME_DIR=$(mktemp -d /tmp/ccbench-1k-XXXXXX)
WORK=$(mktemp -d /tmp/ccbench-1k-work-XXXXXX)
export C HOME_DIR

# This home's processes: node daemons name the home on their command line;
# engines rewrite theirs ("redis-server 127.x.0.1:6379"), so they are found
# by their working directory ($HOME_DIR/nodes/<id>/<node>/data).
home_pids() {
  python3 - "$HOME_DIR" <<'EOF'
import os, sys
home = sys.argv[1]
for p in os.listdir("/proc"):
    if not p.isdigit() or int(p) in (os.getpid(), os.getppid()):
        continue
    try:
        cmd = open(f"/proc/{p}/cmdline", "rb").read().decode(errors="replace")
        cwd = os.readlink(f"/proc/{p}/cwd")
    except OSError:
        continue
    if home in cmd or cwd.startswith(home + "/"):
        print(p)
EOF
}
cleanup() {
  trap - EXIT INT TERM
  local pids i
  # Deleting 1000 clusters one by one is slow: kill them all instead.
  for i in 1 2 3 4 5; do
    pids=$(home_pids)
    [ -n "$pids" ] || break
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    sleep 0.5
  done
  rm -rf "$HOME_DIR" "$WORK"
  flock -u 9 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

exec 9>/tmp/bench.lock
echo "waiting for /tmp/bench.lock ..." >&2
flock 9
# Nothing started from here on keeps fd 9 (see 9>&- below; Python's
# subprocess closes it by default).
cc() { "$C" --state-dir "$HOME_DIR" "$@" 9>&-; }

cat >"$WORK/driver.py" <<'PY'
import fcntl, json, os, resource, socket, statistics, subprocess, sys, time

C, HOME = os.environ["C"], os.environ["HOME_DIR"]
SETTLE = float(os.environ.get("SETTLE_MS", "100")) / 1000
TCK = os.sysconf("SC_CLK_TCK")
DEVNULL = subprocess.DEVNULL


def cc(*args, out=DEVNULL):
    return subprocess.run([C, "--state-dir", HOME, *args], stdout=out, stderr=subprocess.PIPE)


def check(r, what):
    if r.returncode != 0:
        sys.exit(f"{what} failed ({r.returncode}): {r.stderr.decode(errors='replace').strip()}")


def home_processes():
    """(daemons, engines): pids of this home's cachectl-node and redis-server."""
    daemons, engines = [], []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            cmd = open(f"/proc/{p}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(f"/proc/{p}/cwd")
        except OSError:
            continue
        if "cachectl-node" in cmd and HOME in cmd:
            daemons.append(int(p))
        elif cwd.startswith(HOME + "/") and "redis-server" in cmd:
            engines.append(int(p))
    return daemons, engines


def cpu_ticks(pid):
    try:
        s = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    f = s[s.rindex(")") + 2:].split()
    return int(f[11]) + int(f[12])  # utime, stime (fields 14 and 15)


def rss_kib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def machine():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    return v[3] + v[4], sum(v)  # idle + iowait, total (user..steal)


def med(xs):
    return statistics.median(xs)


def measure(n, idle_seconds, runs, out):
    time.sleep(3)  # settle
    daemons, engines = home_processes()
    before = {p: cpu_ticks(p) for p in daemons + engines}
    i0, t0 = machine()
    w0 = time.monotonic()
    time.sleep(idle_seconds)
    i1, t1 = machine()
    elapsed = time.monotonic() - w0
    after = {p: cpu_ticks(p) for p in daemons + engines}

    def cpu(pids):
        ticks = sum(after[p] - before[p] for p in pids if before[p] is not None and after[p] is not None)
        return 100.0 * ticks / TCK / elapsed

    res = {
        "n": n,
        "daemons": len(daemons),
        "engines": len(engines),
        "machine_busy": 100.0 * (1 - (i1 - i0) / (t1 - t0)),
        "daemon_cpu": cpu(daemons),
        "engine_cpu": cpu(engines),
        "daemon_rss_kib": sum(rss_kib(p) for p in daemons),
        "engine_rss_kib": sum(rss_kib(p) for p in engines),
    }

    create, delete, bare_here = [], [], []
    for i in range(1, runs + 1):
        cid = f"m{n}r{i}"
        settle()
        t = time.perf_counter()
        r = cc("create-cache-cluster", "--cache-cluster-id", cid, "--engine", "redis",
               "--cache-node-type", "cache.t3.micro")
        check(r, f"create-cache-cluster {cid}")
        r = cc("wait", "cache-cluster-available", "--cache-cluster-id", cid)
        create.append(time.perf_counter() - t)
        check(r, f"wait cache-cluster-available {cid}")
        t = time.perf_counter()
        check(cc("delete-cache-cluster", "--cache-cluster-id", cid), f"delete-cache-cluster {cid}")
        r = cc("wait", "cache-cluster-deleted", "--cache-cluster-id", cid)
        delete.append(time.perf_counter() - t)
        check(r, f"wait cache-cluster-deleted {cid}")
        # A bare engine started under the same load, between the creates:
        # what the machine alone does to the engine's own start at this N.
        port = free_port()
        settle()
        bare_here.append(pong_once(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                    "--save", "", "--appendonly", "no", "--daemonize", "no"], port))

    # describe of all: check once (untimed) that every cluster is listed.
    r = cc("describe-cache-clusters", out=subprocess.PIPE)
    check(r, "describe-cache-clusters")
    res["described"] = len(json.loads(r.stdout)["CacheClusters"])
    dwall, dcpu = [], []
    for _ in range(runs):
        u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = cc("describe-cache-clusters")
        dwall.append(time.perf_counter() - t)
        u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        check(r, "describe-cache-clusters")
        dcpu.append(u1.ru_utime - u0.ru_utime + u1.ru_stime - u0.ru_stime)

    res.update(bare_here_ms=1000 * med(bare_here),
               create_ms=1000 * med(create), create_all=[round(1000 * x, 1) for x in create],
               delete_ms=1000 * med(delete), delete_all=[round(1000 * x, 1) for x in delete],
               describe_wall_ms=1000 * med(dwall), describe_cpu_ms=1000 * med(dcpu),
               describe_all=[round(1000 * x, 1) for x in dwall])
    with open(out, "a") as f:
        f.write(json.dumps(res) + "\n")
    print(f"N={n}: " + json.dumps(res), file=sys.stderr)


def settle():
    """A pause before each timed start (create or bare engine), so that
    neither is timed while the one before it is still being torn down (a
    deleted node's engine and daemon exit after the waiter returns)."""
    time.sleep(SETTLE)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pong_once(argv, port):
    t = time.perf_counter()
    p = subprocess.Popen(argv, stdout=DEVNULL, stderr=DEVNULL)
    try:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return time.perf_counter() - t
            except OSError:
                pass
            if p.poll() is not None:
                sys.exit(f"redis-server exited ({p.returncode}): {argv}")
            time.sleep(0.0005)
    finally:
        p.kill()
        p.wait()


def bare(out, conf_template):
    flags, conf = [], []
    for _ in range(10):
        port = free_port()
        settle()
        flags.append(pong_once(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no", "--daemonize", "no"], port))
    # The same with a node's own redis.conf (bind/port/dir swapped): the
    # parameter group's values, maxmemory and the rename-commands.
    if conf_template:
        d = os.path.dirname(out)
        os.makedirs(f"{d}/data", exist_ok=True)
        for _ in range(10):
            port = free_port()
            lines = []
            for line in open(conf_template):
                key = line.split(" ", 1)[0]
                if key == "bind":
                    line = "bind 127.0.0.1\n"
                elif key == "port":
                    line = f"port {port}\n"
                elif key == "dir":
                    line = f'dir "{d}/data"\n'
                lines.append(line)
            open(f"{d}/redis.conf", "w").writelines(lines)
            settle()
            conf.append(pong_once(["redis-server", f"{d}/redis.conf"], port))
    res = {"bare_ms": 1000 * med(flags), "bare_all": [round(1000 * x, 2) for x in flags]}
    if conf:
        res.update(bare_conf_ms=1000 * med(conf), bare_conf_all=[round(1000 * x, 2) for x in conf])
    json.dump(res, open(out, "w"))
    print("bare: " + json.dumps(res), file=sys.stderr)


def table(results, bare_file, reached_note):
    rows = [json.loads(l) for l in open(results)]
    b = json.load(open(bare_file))
    ncpu = os.cpu_count()
    hdr = "| with N Redis clusters running | " + " | ".join(f"N = {r['n']:,}" for r in rows) + " |"
    print(hdr)
    print("|---" * (len(rows) + 1) + "|")

    def row(name, fmt):
        print(f"| {name} | " + " | ".join(fmt(r) for r in rows) + " |")

    row(f"whole machine busy while idle (% of {ncpu} cores)", lambda r: f"{r['machine_busy']:.1f} %")
    row("node daemons' CPU while idle (% of one core)", lambda r: f"{r['daemon_cpu']:.2f} %")
    row("engines' CPU while idle (% of one core)", lambda r: f"{r['engine_cpu']:.2f} %")
    row("RSS of all node daemons (MiB; KiB per daemon)",
        lambda r: f"{r['daemon_rss_kib'] / 1024:.1f}; {r['daemon_rss_kib'] / max(r['daemons'], 1):.0f}")
    row("RSS of all engines (MiB)", lambda r: f"{r['engine_rss_kib'] / 1024:.1f}")
    row("create one more → available, median ms", lambda r: f"{r['create_ms']:.1f}")
    row("bare redis-server exec → first PONG at this N, median ms", lambda r: f"{r['bare_here_ms']:.1f}")
    row("create → available / bare at this N", lambda r: f"{r['create_ms'] / r['bare_here_ms']:.2f}×")
    row("describe-cache-clusters (all), wall / cpu ms, median",
        lambda r: f"{r['describe_wall_ms']:.1f} / {r['describe_cpu_ms']:.1f}")
    row("delete, per cluster, median ms", lambda r: f"{r['delete_ms']:.1f}")
    print()
    print(f"bare redis-server exec → first PONG: median {b['bare_ms']:.2f} ms"
          + (f" (with a node's redis.conf: {b['bare_conf_ms']:.2f} ms)" if "bare_conf_ms" in b else ""))
    first, last = rows[0], rows[-1]
    print(f"create→available at N = {first['n']:,} / bare: {first['create_ms'] / b['bare_ms']:.2f}× "
          "(target: under 1.3×)")
    print(f"create at N = {last['n']:,} / create at N = {first['n']:,}: "
          f"{last['create_ms'] / first['create_ms']:.2f}× (target at N = 1,000: within 1.2×); "
          f"a bare engine's start at N = {last['n']:,} / at N = {first['n']:,}: "
          f"{last['bare_here_ms'] / first['bare_here_ms']:.2f}×")
    print(f"node daemons together idle at N = {last['n']:,}: {last['daemon_cpu']:.2f} % of one core "
          "(target at N = 1,000: under 5 %)")
    print(f"describe of all {last['n']:,}: {last['describe_wall_ms']:.1f} ms (target at N = 1,000: under 300 ms)")
    print(f"delete per cluster at N = {last['n']:,}: {last['delete_ms']:.1f} ms (target: under 30 ms)")
    print(f"processes counted per N (daemons/engines/described): "
          + ", ".join(f"{r['n']}: {r['daemons']}/{r['engines']}/{r['described']}" for r in rows))
    if reached_note:
        print(reached_note)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "measure":
        measure(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif mode == "bare":
        bare(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")
    elif mode == "table":
        table(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
PY

# Creates c<from>..c<to> (not timed), PARALLEL at a time; prints how many
# clusters are available afterwards.
create_range() {
  seq -f 'c%05g' "$1" "$2" |
    xargs -P "$PARALLEL" -I{} sh -c '
      if "$C" --state-dir "$HOME_DIR" create-cache-cluster --cache-cluster-id {} --engine redis \
           --cache-node-type cache.t3.micro >/dev/null 2>"$0/err-{}" &&
         "$C" --state-dir "$HOME_DIR" wait cache-cluster-available --cache-cluster-id {} 2>>"$0/err-{}"; then
        rm -f "$0/err-{}"; echo {} >>"$0/ok"
      fi' "$WORK" 9>&-
}

# A bare engine's exec -> first PONG, once, while few clusters run (after
# the first N); also with the redis.conf a node writes, as a second variant.
bare() {
  local conf
  conf=$(ls "$HOME_DIR"/nodes/*/0001/redis.conf 2>/dev/null | head -1 || true)
  [ -n "$conf" ] && cp "$conf" "$WORK/node-redis.conf" && conf=$WORK/node-redis.conf
  python3 "$WORK/driver.py" bare "$WORK/bare.json" "$conf" 9>&-
}

RESULTS=$WORK/results.jsonl
: >"$RESULTS"
: >"$WORK/ok"
have=0
note=
t_start=$(date +%s)
for n in $NS; do
  if [ "$n" -gt "$have" ]; then
    echo "creating clusters $((have + 1))..$n ..." >&2
    t0=$(date +%s)
    create_range $((have + 1)) "$n" || true
    got=$(wc -l <"$WORK/ok")
    echo "  $got clusters available ($(($(date +%s) - t0)) s)" >&2
    if [ "$got" -lt "$n" ]; then
      errs=$(cat "$WORK"/err-* 2>/dev/null | sort | uniq -c | sort -rn | head -5)
      note="creating stopped at $got of $n clusters; first errors: $errs"
      echo "$note" >&2
      # Remove the ones that failed half-way, so that the home holds exactly $got.
      for f in "$WORK"/err-*; do
        [ -e "$f" ] || continue
        id=${f##*/err-}
        cc delete-cache-cluster --cache-cluster-id "$id" >/dev/null 2>&1 || true
        cc wait cache-cluster-deleted --cache-cluster-id "$id" >/dev/null 2>&1 || true
      done
      [ "$got" -gt "$have" ] && python3 "$WORK/driver.py" measure "$got" "$IDLE_SECONDS" "$RUNS" "$RESULTS" 9>&-
      have=$got
      break
    fi
    have=$got
  fi
  python3 "$WORK/driver.py" measure "$n" "$IDLE_SECONDS" "$RUNS" "$RESULTS" 9>&-
  [ -e "$WORK/bare.json" ] || bare
done
[ -e "$WORK/bare.json" ] || bare

echo
echo "cachectl: $C; RUNS=$RUNS, IDLE_SECONDS=$IDLE_SECONDS; total $(($(date +%s) - t_start)) s"
echo
python3 "$WORK/driver.py" table "$RESULTS" "$WORK/bare.json" "$note"
