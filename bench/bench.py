#!/usr/bin/env python3
"""make bench: every benchmark of Isola in one run on this machine, then
bench/report.py turns the figures into docs/benchmarks.md and .png.

Measures (all in this one run, so the ratios compare like with like):
  boot   Isola (GRUB ISO) vs Linux (-kernel/-initrd) to a first process that
         prints a marker and powers off, same QEMU flags; median of BENCH_BOOTS.
  fork   bench/forkbench as init on both kernels (rate, latency per size).
  host   bench/clonebench: vm_space_clone vs memcpy, scaling of clone,
         destroy and pmm_alloc; then clonebench-walk, the experiment of a
         destroy that walks the tables (bench/walkdestroy.c): not the kernel.
  prove  `make prove` cold (empty session), warm (same session: every
         module's result is replayed), then re-run (same session,
         PROVE_REPLAY=0: Frama-C runs every pass, every prover answer comes
         from the cache), then after a comment added to one function's body
         (vm_clone_pt): proved by function, and (another comment) with
         PROVE_REPLAY=module, the whole module; in a scratch export of HEAD,
         so the developer's cache is not touched.
Results: $BUILD/bench/results.json (+ the raw logs beside it).

Env: BUILD (build), ACCEL (tcg|kvm), BENCH_MEM (512M), BENCH_BOOTS (5),
     BENCH_FORK_ROUNDS (5), BENCH_PROVE (1; 0 skips the cold, warm and re-run
     proof timings, about half of the run), BENCH_PROVE_PAR (4, as
     `make prove`), BENCH_PROVE_JOBS (unset: `make prove`'s default), BENCH_LINUX (a vmlinuz; default the newest /boot/vmlinuz-*),
     BENCH_ONLY ("boot fork host prove": a subset, for development; it
     updates the figures of the last run), BENCH_RESULTS (results path).
"""
import glob
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
OUT = os.path.abspath(os.path.join(BUILD, "bench"))
ACCEL = os.environ.get("ACCEL", "tcg")
MEM = os.environ.get("BENCH_MEM", "512M")
BOOTS = int(os.environ.get("BENCH_BOOTS", "5"))
ISOLA_ARGS = "klog=com2 tty=raw"
LINUX_APPEND = "console=ttyS0 quiet panic=-1"


def log(msg):
    print("bench: " + msg, flush=True)


def run(cmd, **kw):
    """Runs cmd (a list), raising on a non-zero exit; returns its stdout."""
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          universal_newlines=True, **kw).stdout


# ---- machine -------------------------------------------------------------

def cpuinfo_first(key):
    """The value of the first /proc/cpuinfo line whose name is key, or None."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return None


def cpu_model():
    """The first "model name" of /proc/cpuinfo, or the platform's name."""
    return cpuinfo_first("model name") or platform.processor() or "unknown"


def cpu_mhz():
    """The first "cpu MHz" of /proc/cpuinfo (a VM reports its nominal
    clock), or None: with the model name, it tells two runs' machines
    apart (two "AMD EPYC" machines took 286 s and 521 s for the same cold
    make prove)."""
    try:
        return float(cpuinfo_first("cpu MHz"))
    except (TypeError, ValueError):
        return None


def source_commit():
    """HEAD's short name, "-dirty" when a file differs from it: any file but
    the bench's own outputs (docs/benchmarks.md, .png), which a partial
    run finds modified by the run before it."""
    commit = subprocess.run(["git", "describe", "--always"], cwd=ROOT,
                            stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                              ":!docs/benchmarks.md", ":!docs/benchmarks.png"], cwd=ROOT,
                             stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    return commit + ("-dirty" if changed else "")


def cpu_busy(seconds=2.0):
    """The share of the machine's CPU time (all cores) that was not idle
    over the next `seconds`, from /proc/stat: work that shares the machine
    with the measurements. None where /proc/stat cannot be read."""
    def sample():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]   # total, idle + iowait
    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 1.0 - (idle1 - idle0) / max(1, total1 - total0)


def machine_info(linux):
    qemu = run(["qemu-system-x86_64", "--version"]).splitlines()[0]
    commit = source_commit()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu_model(), "cpu_mhz": cpu_mhz(), "cores": os.cpu_count(),
        "load_before": os.getloadavg()[0],   # the bench's own builds included
        "busy_before": cpu_busy(),
        "accel": ACCEL, "memory": MEM, "qemu": qemu, "commit": commit,
        "linux_kernel": os.path.basename(linux) if linux else None,
        "qemu_flags": " ".join(qemu_common("LOG")[1:]),
        "isola_boot": "GRUB ISO (-cdrom), kernel args '%s'" % ISOLA_ARGS,
        "linux_boot": "-kernel/-initrd, append '%s'" % LINUX_APPEND,
    }


def linux_kernel():
    """The vmlinuz to boot: $BENCH_LINUX or the newest /boot/vmlinuz-*."""
    if os.environ.get("BENCH_LINUX"):
        return os.environ["BENCH_LINUX"]
    found = sorted(glob.glob("/boot/vmlinuz-*"), key=os.path.getmtime)
    return found[-1] if found else None


# ---- images --------------------------------------------------------------

def isola_iso(name, init):
    """A GRUB ISO of build/isola.elf whose initrd holds only /init = init."""
    work = os.path.join(OUT, "iso-" + name)
    shutil.rmtree(work, ignore_errors=True)
    boot = os.path.join(work, "boot")
    os.makedirs(os.path.join(boot, "grub"))
    run(["tools/mkinitrd", os.path.join(boot, "initrd.cpio"), "--init", init])
    run(["strip", "--strip-debug", "-o", os.path.join(boot, "isola.elf"),
         os.path.join(BUILD, "isola.elf")])
    with open("boot/grub.cfg") as f:
        cfg = re.sub(r'^set isola_args=.*$', 'set isola_args="%s"' % ISOLA_ARGS,
                     f.read(), flags=re.M)
    with open(os.path.join(boot, "grub", "grub.cfg"), "w") as f:
        f.write(cfg)
    iso = os.path.join(OUT, name + ".iso")
    subprocess.run(["grub-mkrescue", "-o", iso, work], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return iso


def linux_cpio(name, init):
    """A Linux initramfs with /init = init and /dev/console."""
    out = os.path.join(OUT, name + ".cpio")
    run(["bench/mkcpio-linux", out, init])
    return out


# ---- QEMU ----------------------------------------------------------------

def qemu_common(second_serial):
    """The QEMU flags both kernels get: same CPU, memory, devices, serials."""
    accel = ["-accel", "kvm", "-cpu", "host"] if ACCEL == "kvm" else \
            ["-accel", "tcg", "-cpu", "qemu64"]
    return ["qemu-system-x86_64"] + accel + [
        "-m", MEM, "-smp", "1",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-no-reboot", "-display", "none", "-monitor", "none", "-net", "none",
        "-serial", "stdio", "-serial", "file:" + second_serial]


def boot(kernel, image, timeout, linux=None):
    """Boots one image; returns (wall seconds from QEMU start to its exit,
    COM1 lines as (seconds since QEMU start, text), exit status). kernel is
    "isola" (image = ISO) or "linux" (image = initramfs of the vmlinuz linux).
    Each line is stamped when it arrives, so a phase can be timed from the
    host, whatever the guest's clock says."""
    second = os.path.join(OUT, kernel + "-com2.log")
    cmd = qemu_common(second)
    if kernel == "isola":
        cmd += ["-cdrom", image]
    else:
        cmd += ["-kernel", linux, "-initrd", image, "-append", LINUX_APPEND]
    t0 = time.monotonic()
    p = subprocess.Popen(["timeout", "-k", "2", str(timeout)] + cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = []
    for raw in p.stdout:
        lines.append((time.monotonic() - t0, raw.decode(errors="replace").rstrip("\r\n")))
    rc = p.wait()
    return time.monotonic() - t0, lines, rc


def text(lines):
    """The lines of a boot() result as one string."""
    return "\n".join(l for _, l in lines) + "\n"


def fields(line):
    """The key=value pairs of a line, numbers converted."""
    out = {}
    for k, v in re.findall(r"(\w+)=(\S+)", line):
        try:
            out[k] = int(v)
        except ValueError:
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out


# ---- the benchmarks ------------------------------------------------------

def bench_boot(linux, bins):
    """Median wall time to a powered-off first process, both kernels,
    runs interleaved so both see the same machine load."""
    iso = isola_iso("boot", os.path.join(bins, "bootmark"))
    cpio = linux_cpio("boot", os.path.join(bins, "bootmark")) if linux else None
    times = {"isola": [], "linux": []}
    for i in range(BOOTS):
        for kernel in ("isola", "linux"):
            if kernel == "linux" and not linux:
                continue
            secs, lines, rc = boot(kernel, iso if kernel == "isola" else cpio, 180, linux)
            out = text(lines)
            ok = "bootmark: init reached" in out and rc != 124 and rc != 137
            log("boot %s #%d: %.2f s%s" % (kernel, i + 1, secs, "" if ok else " (FAILED, exit %d)" % rc))
            if not ok:
                with open(os.path.join(OUT, "boot-%s-failed.log" % kernel), "w") as f:
                    f.write(out)
                raise SystemExit("bench: %s did not reach the marker" % kernel)
            times[kernel].append(round(secs, 3))
    res = {k: {"runs": v, "median_s": statistics.median(v)} for k, v in times.items() if v}
    if "linux" in res:
        res["ratio_isola_over_linux"] = res["isola"]["median_s"] / res["linux"]["median_s"]
    return res


def parse_forkbench(lines):
    """The forkbench figures of one run's stamped lines; None if it did not
    finish. Each figure gets host_s, the host's time from its "begin" line to
    its result line, and the per-cycle figures from both clocks."""
    res = {"rate": None, "rate_after": None, "rate_beside": None, "holder_pages": None,
           "latency": [], "kernel": None}
    begun = None
    for t, line in lines:
        line = line.strip()
        if line.startswith("forkbench: kernel "):
            res["kernel"] = line[len("forkbench: kernel "):]
        elif line.startswith("forkbench: begin "):
            begun = t
        elif line.startswith("forkbench: holder "):
            res["holder_pages"] = fields(line).get("pages")
        elif line.startswith(("forkbench: rate ", "forkbench: rate_after ", "forkbench: rate_beside ",
                              "forkbench: latency ")):
            f = fields(line)
            f["host_s"] = round(t - begun, 4) if begun is not None else None
            f["host_us_per_cycle"] = f["host_s"] / f["cycles"] * 1e6 if begun is not None else None
            f["guest_us_per_cycle"] = f["seconds"] / f["cycles"] * 1e6
            if line.startswith("forkbench: latency "):
                res["latency"].append(f)
            else:
                f["host_per_s"] = f["cycles"] / f["host_s"] if begun is not None else None
                res[line.split()[1]] = f
            begun = None
    return res if any(l.strip() == "forkbench: done" for _, l in lines) else None


def median_of(runs, key):
    """Median of key over the runs that have it (None if none has)."""
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


# forkbench's small-process rate measured again: after the latency rows,
# and beside a process that holds 8192 pages.
FORK_RATES_AGAIN = ("rate_after", "rate_beside")


def combine_fork(rounds):
    """One forkbench result from several rounds: per figure, the median of
    every timing over the rounds (the rounds themselves are kept too)."""
    keys = ("cycles", "seconds", "per_s", "host_s", "host_per_s",
            "host_us_per_cycle", "guest_us_per_cycle", "us_per_cycle")
    rate = {k: median_of([r["rate"] for r in rounds], k) for k in keys}
    # The rates measured again (FORK_RATES_AGAIN), where the rounds have them.
    again = {}
    for name in FORK_RATES_AGAIN:
        runs = [r[name] for r in rounds if r.get(name)]
        again[name] = {k: median_of(runs, k) for k in keys} if runs else None
    lat = []
    for i, first in enumerate(rounds[0]["latency"]):
        row = {k: median_of([r["latency"][i] for r in rounds], k) for k in keys}
        row["pages"] = first["pages"]
        lat.append(row)
    return dict(again, kernel=rounds[0]["kernel"], rate=rate,
                holder_pages=rounds[0].get("holder_pages"), latency=lat,
                rounds=rounds, qemu_s=sum(r["qemu_s"] for r in rounds))


def bench_fork(linux, bins):
    """forkbench as init on Isola and on Linux, BENCH_FORK_ROUNDS (5) rounds
    alternating the kernels, medians per figure. Ratios use the host-timed
    figures (the same clock for both kernels)."""
    prog = os.path.join(bins, "forkbench")
    kernels = ["isola"] + (["linux"] if linux else [])
    images = {"isola": isola_iso("fork", prog)}
    if linux:
        images["linux"] = linux_cpio("fork", prog)
    rounds = {k: [] for k in kernels}
    for i in range(int(os.environ.get("BENCH_FORK_ROUNDS", "5"))):
        for kernel in kernels:
            secs, lines, rc = boot(kernel, images[kernel], 600, linux)
            logf = os.path.join(OUT, "fork-%s-%d.log" % (kernel, i + 1))
            with open(logf, "w") as f:
                f.write("".join("%9.3f %s\n" % (t, l) for t, l in lines))
            r = parse_forkbench(lines)
            if r is None:
                raise SystemExit("bench: forkbench on %s did not finish (exit %d); see %s"
                                 % (kernel, rc, logf))
            r["qemu_s"] = round(secs, 1)
            log("fork %s #%d: %.0f cycles/s by the host's clock, %.0f by the guest's (%.0f s in QEMU)"
                % (kernel, i + 1, r["rate"]["host_per_s"], r["rate"]["per_s"], secs))
            rounds[kernel].append(r)
    res = {k: combine_fork(v) for k, v in rounds.items()}
    if "linux" in res:
        res["rate_ratio_isola_over_linux"] = res["isola"]["rate"]["host_per_s"] / res["linux"]["rate"]["host_per_s"]
        for name in FORK_RATES_AGAIN:
            if res["isola"].get(name) and res["linux"].get(name):
                res[name + "_ratio_isola_over_linux"] = (res["isola"][name]["host_per_s"] /
                                                         res["linux"][name]["host_per_s"])
        res["latency_ratio_isola_over_linux"] = {
            str(a["pages"]): a["host_us_per_cycle"] / b["host_us_per_cycle"]
            for a, b in zip(res["isola"]["latency"], res["linux"]["latency"])}
    return res


def bench_host(prog):
    """clonebench on the host: clone vs memcpy and the scaling figures."""
    name = os.path.basename(prog)
    out = run([prog])
    with open(os.path.join(OUT, name + ".log"), "w") as f:
        f.write(out)
    if "clonebench: done" not in out:
        raise SystemExit("bench: %s failed; see %s/%s.log" % (name, OUT, name))
    res = {"clone": [], "poolsize": [], "occupancy": []}
    for line in out.splitlines():
        m = re.match(r"clonebench: (clone|poolsize|occupancy) ", line)
        if m:
            res[m.group(1)].append(fields(line))
        elif line.startswith("clonebench: pool_frames="):
            f = fields(line)
            res["pool_frames"] = f["pool_frames"]
            res["frames"] = f.get("frames", "loop")
            res["clock_ns"] = f.get("clock_ns")
    log(name + ": clone/memcpy ratios " + ", ".join(
        "N=%d %.1f" % (c["pages"], c["ratio"]) for c in res["clone"]))
    return res


def prove_run(tree, label, par, jobs, replay=True):
    """One `make prove` in tree (PROVE_JOBS=jobs, or make prove's own default
    if jobs is None; PROVE_REPLAY=0 if not replay, PROVE_REPLAY=module if
    replay is "module"); returns wall seconds,
    exit status, the number of modules proved at once and the CPU seconds of
    the run's processes (both from prove's total line) and the per-module
    results of proofs/results/*.json (with each module's CPU split)."""
    logf = os.path.join(OUT, "prove-%s.log" % label)
    t0 = time.monotonic()
    # Frama-C resolves relative paths (session, cache, logs) against $PWD,
    # not the working directory: both must be the scratch tree, or it would
    # use the developer's proofs/session and proofs/results.
    tree = os.path.abspath(tree)
    env = dict(os.environ, PWD=tree)
    for k in ("PROVE_MODULES", "PROVE_FUNCTIONS", "PROVE_SESSION_DIR", "PROVE_RESULTS_DIR",
              "PROVE_WP_FLAGS", "PROVE_REPLAY"):
        env.pop(k, None)
    if replay is not True:
        env["PROVE_REPLAY"] = "module" if replay == "module" else "0"
    with open(logf, "w") as f:
        rc = subprocess.run(["make", "--no-print-directory", "prove", "PROVE_PAR=%d" % par]
                            + (["PROVE_JOBS=%d" % jobs] if jobs else []),
                            cwd=tree, env=env, stdout=f, stderr=subprocess.STDOUT).returncode
    wall = time.monotonic() - t0
    modules = []
    with open(logf) as f:
        text = f.read()
    order = re.findall(r"^(?:PASS|FAIL): prove (\w+) ", text, flags=re.M)
    total = re.search(r"^prove total: .* s wall(?:, (\d+) s CPU)?, (\d+) job\(s\)\)$", text,
                      flags=re.M)
    for m in order:
        try:
            with open(os.path.join(tree, "proofs", "results", m + ".json")) as jf:
                j = json.load(jf)
        except (OSError, ValueError):
            continue
        g = [x for x in j.get("goals", []) if x.get("kind") == "goal"]
        modules.append({"module": m, "status": j["status"], "proved": j["proved"],
                        "total": j["total"], "seconds": j["seconds"],
                        "pass_seconds": j.get("pass_seconds"),
                        "cpu_s": j.get("cpu_s"),
                        "provers": j.get("provers"), "assigns_provers": j.get("assigns_provers"),
                        "smoke_prover": j.get("smoke_prover"),
                        "replayed": bool(j.get("replayed")),
                        "cached": sum(1 for x in g if x.get("cached"))})
    log("prove %s: %.0f s, exit %d" % (label, wall, rc))
    cpu, jobs = total.groups() if total else (None, None)
    return {"wall_s": round(wall, 1), "cpu_s": int(cpu) if cpu else None, "exit": rc,
            "jobs": int(jobs) if jobs else None, "modules": modules}


def bench_prove():
    """make prove cold, warm, then re-run (PROVE_REPLAY=0, answers cached) in
    a scratch export of HEAD. The re-run is Frama-C's own work: the part of
    a cold run that no prover speed-up removes."""
    par = int(os.environ.get("BENCH_PROVE_PAR", "4"))
    jobs = int(os.environ["BENCH_PROVE_JOBS"]) if os.environ.get("BENCH_PROVE_JOBS") else None
    tree = os.path.join(OUT, "prove-tree")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    head = run(["git", "rev-parse", "--short", "HEAD"]).strip()
    subprocess.run("git archive HEAD | tar -x -C %s" % tree, shell=True, check=True)
    cold = prove_run(tree, "cold", par, jobs)
    warm = prove_run(tree, "warm", par, jobs)
    rerun = prove_run(tree, "rerun", par, jobs, replay=False)
    res = {"commit": head, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "par": par, "jobs": cold["jobs"], "cold": cold, "warm": warm, "rerun": rerun}
    # A body edit: a comment in EDIT_FUNCTION's body (no new goal, every
    # prover answer cached), proved by function, then another such edit with
    # PROVE_REPLAY=module, which proves the whole module again.
    src = os.path.join(tree, EDIT_SOURCE)
    for label, replay in (("edit_function", True), ("edit_module", "module")):
        if not body_comment(src, EDIT_FUNCTION, "bench: %s" % label):
            log("prove %s: no body of %s in %s, not measured" % (label, EDIT_FUNCTION, EDIT_SOURCE))
            break
        res[label] = prove_run(tree, label.replace("_", "-"), par, jobs, replay=replay)
        res[label]["function"] = EDIT_FUNCTION
    return res


# The function whose body the edit timing changes: vmspace's largest.
EDIT_SOURCE, EDIT_FUNCTION = "kernel/mm/vmspace.c", "vm_clone_pt"


def body_comment(path, function, text):
    """Adds the line `/* text */` at the top of function's body in path (a
    definition `...function(...)` followed by a line `{`); False if none."""
    with open(path) as f:
        src = f.read()
    m = re.search(r"^[^\n;]*\b%s\([^;{]*\)\n\{\n" % re.escape(function), src, re.M)
    if not m:
        return False
    with open(path, "w") as f:
        f.write(src[:m.end()] + "    /* %s */\n" % text + src[m.end():])
    return True


def main():
    os.chdir(ROOT)
    os.makedirs(OUT, exist_ok=True)
    only = os.environ.get("BENCH_ONLY", "boot fork host prove").split()
    prove_on = os.environ.get("BENCH_PROVE", "1") != "0"
    if not prove_on:
        only = [s for s in only if s != "prove"]
    bins = os.path.join(OUT, "bin")
    linux = linux_kernel()
    if not linux and ("boot" in only or "fork" in only):
        log("no Linux kernel found (/boot/vmlinuz-*): Linux columns stay empty")
    path = os.environ.get("BENCH_RESULTS", os.path.join(OUT, "results.json"))
    results = {}
    previous = {}
    if os.path.exists(path):
        with open(path) as f:
            previous = json.load(f)
    full = set(only) >= {"boot", "fork", "host"}
    if not full:
        results = previous   # a partial run updates the last full one
    elif not prove_on and (previous.get("prove") or {}).get("date"):
        # BENCH_PROVE=0 skipped the proof timing (about half of the run):
        # the last one measured is kept, with its own date and commit.
        results["prove"] = dict(previous["prove"], carried_over=True)
    if full or "machine" not in results:
        results["machine"] = machine_info(linux)
    else:
        # An earlier update of the same phases (or fewer) no longer has a
        # figure on the page: this one replaces it.
        updates = [u for u in results["machine"].get("partial_updates", [])
                   if not set(u.rsplit(": ", 1)[-1].split()) <= set(only)]
        results["machine"]["partial_updates"] = updates + [
            "%s at commit %s: %s" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                     source_commit(), " ".join(only))]
    start = time.monotonic()

    def save():
        """results.json as far as measured (a long run can be stopped)."""
        with open(path, "w") as f:
            json.dump(results, f, indent=1)
            f.write("\n")

    if "boot" in only:
        results["boot"] = bench_boot(linux, bins)
        save()
    if "fork" in only:
        results["fork"] = bench_fork(linux, bins)
        save()
    if "host" in only:
        results["host"] = bench_host(os.path.join(OUT, "clonebench"))
        # The experiment: destroy by a walk of the space's tables (bench/walkdestroy.c).
        results.pop("host_nextfit", None)   # an experiment of older runs, now the kernel's pmm
        results["host_walk"] = bench_host(os.path.join(OUT, "clonebench-walk"))
        save()
    if "prove" in only:
        results["prove"] = bench_prove()
    elif "prove" not in results:
        results["prove"] = None
    if full:
        results["machine"]["bench_seconds"] = round(time.monotonic() - start)
    save()
    log("results in %s (%d s)" % (path, time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
