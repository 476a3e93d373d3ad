#!/usr/bin/env python3
"""Writes docs/benchmarks.md and docs/benchmarks.png from the figures of one
`make bench` run ($BUILD/bench/results.json, written by bench/bench.py).
Every number on the page comes from that file; the plot is drawn by gnuplot
from data files written beside it ($BUILD/bench/plot-*.dat).

usage: bench/report.py [RESULTS.json]   (env: BUILD, BENCH_DOC, BENCH_PNG)
"""
import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
OUT = os.path.abspath(os.path.join(BUILD, "bench"))
DOC = os.environ.get("BENCH_DOC", "docs/benchmarks.md")
PNG = os.environ.get("BENCH_PNG", "docs/benchmarks.png")

# Issue 7's limit on clone/memcpy.
CLONE_LIMIT = 1.5

# Targets of issue 7, as (figure, the ratio's best side, limit).
GOALS = {
    "boot": "Isola/Linux <= 0.2 (GRUB included)",
    "fork_rate": "Isola/Linux >= 1",
    "clone": "clone/memcpy <= %g" % CLONE_LIMIT,
    "prove_warm": "< 20 s",
    "prove_cold": "< 180 s",
}

# The timed `make prove` runs (bench.py's bench_prove): key, row name, goal.
PROVE_RUNS = (
    ("cold", "cold", GOALS["prove_cold"]),
    ("warm", "warm", GOALS["prove_warm"]),
    ("rerun", "re-run, every prover answer cached (PROVE_REPLAY=0)",
     "- (Frama-C's own work: what a cold run takes with provers that cost nothing)"),
)

# What makes each figure slow, and the change that would help: the slowest
# ratio of the run is explained with the entry of its kind.
CAUSES = {
    "clone": (
        "vm_space_clone takes every frame with pmm_find_free, which starts at "
        "pmm_hint (one past the frame claimed last, or the lowest frame freed "
        "since) and wraps (kernel/mm/pmm.c), so a run of N allocations reads "
        "O(N) descriptors in all (see Scaling). Each user frame is written "
        "once, by pmm_claim_copy: on a CPU that reports ERMS (this host, if the "
        "Clone vs memcpy section says frames=rep) with one rep movsq, as fast as "
        "the host's vector memcpy for a page in cache; under QEMU's qemu64 "
        "model 8 bytes per step (a loop GCC unrolls 8 times; the kernel saves no "
        "vector state, so it is built with -mgeneral-regs-only). Past its "
        "first 1,024 frames (4 MiB) a clone copies pages with non-temporal "
        "stores (movnti, nt_copy_frame), which skip reading each destination "
        "line from memory, as glibc's memcpy does for copies that large: in "
        "one process, alternating with memcpy of 32 MiB, an 8192-page clone "
        "took 0.8-1.1 x memcpy so and 1.0-1.6 x with every page through the "
        "caches (2026-12-06). "
        "A small clone is dominated by its "
        "fixed cost: a root, three tables, and the "
        "present slots of the parent's root, directory-pointer, directory and "
        "page tables found. A table is zeroed only below its frame's slot mark: "
        "a free frame is zero from its mark on (SlotMarksOk's part for free "
        "frames, since 2026-12-07), because destroy and munmap leave a page "
        "table's mark as it was and give a user frame's the whole frame, so a "
        "table that was a sparse table last is a few words to zero, not 4 KiB "
        "(clone at N=1 0.26-0.36 -> 0.17-0.18 us in alternating clonebench runs, "
        "clone/memcpy 5.9-6.3 -> 3.7-4.0). Runs of empty slots are crossed by vm_next_present, "
        "not by a pass of the clone loop per slot (clone at N=1 1.69 -> 0.88 us, "
        "make bench, 2026-12-05), eight slots per step (0.71 us; these figures "
        "still include the clock's own 20 ns, and were measured on another "
        "machine). Since 2026-12-06 that scan stops at each table's slot mark: "
        "every slot at or above it is zero (SlotMarksOk, part of VmValid, kept by "
        "every operation that writes a table: MarksKept), so a one-page clone "
        "reads a few slots per table instead of all 1,792 managed slots of its "
        "four tables. The scan had been 55 % of a one-page clone + destroy (perf, "
        "2.1 GHz EPYC); in alternating clonebench runs there the one-page clone "
        "went from 0.45-0.49 to 0.19 us (clone/memcpy about 14-15 -> 5.8) and "
        "64 pages from 3.2 to 2.9 us (1.35-1.38 -> 1.22). The price is 2 % more "
        "proof goals (5,107 instead of 5,006: SlotMarksOk is one more part of "
        "every VmValid goal). "
        "The root is not copied either when a new space takes back a root that "
        "destroy freed, as fork after exit and this bench's clone after destroy "
        "do (vm_space_create takes the lowest free frame): a freed root keeps "
        "its slot mark, and from there on it holds the template's words, zero "
        "user slots and the template's kernel half (FreeRootsOk, part of "
        "SlotMarksOk since 2026-12-07, kept by every operation because no "
        "operation writes a free frame or the template), so only its user "
        "slots below the mark are zeroed (pmm_claim_keep); any other frame "
        "becomes a root as a copy of the template (one pass over the frame). "
        "In alternating clonebench runs the one-page clone went from 0.160 to "
        "0.120 us (clone/memcpy 3.84 -> 2.88; the loop 0.34-0.35 -> 0.21-0.22 us). "
        "What is left at N=1 is the page's copy (the floor below) and the "
        "descriptors, the scan and the entries (the kernel and this bench are "
        "built with -flto, so the per-entry accessors of paging.c are inlined "
        "there). Sharing the parent's "
        "pages (copy-on-write) would change clone_fresh, a proven property, "
        "and the ownership the isolation properties rest on."),
    "fork": (
        "Isola copies every user page at fork (no copy-on-write), so a fork "
        "after touching N pages costs the clone above (1 write per word) "
        "plus destroy at exit; Linux shares the pages copy-on-write and "
        "copies only page tables. vm_space_destroy scans the descriptors "
        "from the space's own low mark pmm_owner_low (the lowest frame it held) "
        "to below the lower of two marks: pmm_top, one past the highest table or "
        "user frame of any space, and the space's own pmm_owner_top, one past "
        "the highest frame it held; so an exit scans about the span of the "
        "space's own frames, whatever other processes hold below or above them "
        "(since 2026-12-07; before, every scan started at frame 0). "
        "munmap frees the page tables it leaves empty (vm_prune), so a "
        "process keeps no empty tables for fork to copy. Under QEMU's TCG "
        "the copy leaves a frame that already holds the source's words "
        "unwritten (pmm_copy's loop way, since 2026-12-07): a write to a "
        "frame drops the host code TCG translated from it, and a fork after "
        "an exit takes back the last child's frames in the same order, so "
        "without the check every child translated its code again (a small "
        "fork+exit+wait cycle about 450 us, with it about 70). "
        "Copy-on-write is the "
        "real fix for large processes, but it changes clone_fresh, a proven "
        "property."),
    "boot": (
        "Isola's boot is GRUB (El Torito from the ISO, then multiboot2 "
        "loading of the kernel and initrd) plus the kernel's own start; Linux "
        "is loaded directly by QEMU (-kernel) and decompresses and "
        "initialises far more."),
}


def fmt(x, digits=3):
    """x with `digits` significant digits, '-' for None."""
    if x is None:
        return "-"
    if x == 0:
        return "0"
    mag = int(math.floor(math.log10(abs(x))))
    dec = max(0, digits - 1 - mag)
    return "{:,.{}f}".format(x, dec)


def pages(n):
    """'1 page', 'N pages'."""
    return "%d page%s" % (n, "s" * (n != 1))


def table(head, rows):
    """A Markdown table."""
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def slope_exponent(x1, y1, x2, y2):
    """The exponent k of y ~ x^k between two points."""
    if not (x1 and x2 and y1 and y2) or x1 == x2:
        return None
    return math.log(y2 / y1) / math.log(x2 / x1)


# ---- sections --------------------------------------------------------------

def machine_load(m):
    """How busy the machine was when the measurements began. The load
    average is over the minute before, so it counts the bench's own builds;
    busy_before (runs since 2026-12-06) is the 2 s just before, so it counts
    only other work."""
    load = "load average %.2f over the minute before, the bench's own builds included" \
        % m["load_before"]
    if m.get("busy_before") is None:
        return load
    return "%.0f %% busy in the 2 s before the measurements began, which is other work; %s" \
        % (100 * m["busy_before"], load)


def section_machine(m):
    accel = "TCG (software emulation; KVM not used)" if m["accel"] == "tcg" else "KVM"
    lines = [
        "- Date: %s; commit `%s`; the measurements took %s s (builds and installs not counted)."
        % (m["date"], m["commit"], m.get("bench_seconds", "-")),
        "- CPU: %s%s, %s cores (%s)."
        % (m["cpu"], " at %.0f MHz (/proc/cpuinfo)" % m["cpu_mhz"] if m.get("cpu_mhz") else "",
           m["cores"], machine_load(m)),
        "- QEMU: %s, **%s**, memory %s, one vCPU, the same flags for both kernels:"
        % (m["qemu"], accel, m["memory"]),
        "  `%s`." % m["qemu_flags"],
        "- Isola boots from its %s." % m["isola_boot"],
        "- Linux: Debian's `%s` (linux-image-amd64), %s; its initramfs (built by the bench) "
        "holds only /init and /dev/console." % (m["linux_kernel"], m["linux_boot"]),
    ]
    if m.get("partial_updates"):
        lines.append("- Phases measured again after this run (BENCH_ONLY), their figures replace "
                     "the run's: %s." % "; ".join(m["partial_updates"]))
    return "\n".join(lines)


def rates_again(fk):
    """The small-process rates forkbench measured again that both kernels
    have a ratio for: (name, row label, slowest-ratio label), in bench.py's
    order (FORK_RATES_AGAIN)."""
    labels = {"rate_after": ("after the 8192-page rows", "after large processes"),
              "rate_beside": ("beside a process holding %s" % pages(fk["isola"].get("holder_pages") or 0),
                              "beside a large process")}
    return [(name,) + labels[name] for name in ("rate_after", "rate_beside")
            if name + "_ratio_isola_over_linux" in fk]


def summary_rows(r):
    """(what, Isola, reference, ratio, goal) rows of every ratio measured."""
    rows = []
    b = r.get("boot") or {}
    if "ratio_isola_over_linux" in b:
        rows.append(("boot to init, median wall time", fmt(b["isola"]["median_s"]) + " s",
                     "Linux " + fmt(b["linux"]["median_s"]) + " s", fmt(b["ratio_isola_over_linux"]),
                     GOALS["boot"]))
    fk = r.get("fork") or {}
    if "rate_ratio_isola_over_linux" in fk:
        rows.append(("fork+exit+wait rate, small process (host clock)",
                     fmt(fk["isola"]["rate"]["host_per_s"]) + " /s",
                     "Linux " + fmt(fk["linux"]["rate"]["host_per_s"]) + " /s",
                     fmt(fk["rate_ratio_isola_over_linux"]), GOALS["fork_rate"]))
        for name, label, _ in rates_again(fk):
            rows.append(("same rate, %s (host clock)" % label,
                         fmt(fk["isola"][name]["host_per_s"]) + " /s",
                         "Linux " + fmt(fk["linux"][name]["host_per_s"]) + " /s",
                         fmt(fk[name + "_ratio_isola_over_linux"]), GOALS["fork_rate"]))
        for a, l in zip(fk["isola"]["latency"], fk["linux"]["latency"]):
            rows.append(("fork cycle after touching %s (host clock)" % pages(a["pages"]),
                         fmt(a["host_us_per_cycle"]) + " us", "Linux " + fmt(l["host_us_per_cycle"]) + " us",
                         fmt(fk["latency_ratio_isola_over_linux"][str(a["pages"])]) + " (time)",
                         "-"))
    h = r.get("host") or {}
    for c in h.get("clone", []):
        rows.append(("vm_space_clone of %s (host, frames=%s)" % (pages(c["pages"]), h.get("frames", "loop")),
                     fmt(c["clone_us"]) + " us",
                     "memcpy " + fmt(c["memcpy_us"]) + " us", fmt(c["ratio"]) + " (time)", GOALS["clone"]))
    for c in h.get("clone", []):
        if c.get("floor_us") and c["ratio"] > CLONE_LIMIT:
            rows.append(("writes alone of a copying clone of %s: %s (host, libc)" % (pages(c["pages"]), floor_what(c)),
                         fmt(c["floor_us"]) + " us", "memcpy " + fmt(c["memcpy_us"]) + " us",
                         fmt(c["floor_us"] / c["memcpy_us"]) + " (time)",
                         "- (the lowest clone/memcpy a clone of this design can reach)"))
        if c.get("plain_us") and c["ratio"] > CLONE_LIMIT:
            rows.append(("plain clone of the same design, %s (host, bench/plainclone.c, no proof)"
                         % pages(c["pages"]),
                         fmt(c["plain_us"]) + " us", "memcpy " + fmt(c["memcpy_us"]) + " us",
                         fmt(c["plain_us"] / c["memcpy_us"]) + " (time)",
                         "- (this design written plainly, for speed)"))
            rows.append(("vm_space_clone vs that plain clone, %s (host)" % pages(c["pages"]),
                         fmt(c["clone_us"]) + " us", "plain " + fmt(c["plain_us"]) + " us",
                         fmt(c["clone_us"] / c["plain_us"]) + " (time)",
                         "- (what the proven code's structure costs)"))
    p = r.get("prove")
    if p:
        for label, name, goal in PROVE_RUNS:
            if label not in p:   # results of a bench.py without the re-run
                continue
            when = " (earlier run, %s)" % p.get("date", "?") if p.get("carried_over") else ""
            rows.append(("`make prove` %s (%d modules)%s" % (name, len(p[label]["modules"]), when),
                         fmt(p[label]["wall_s"]) + " s (wall)", "-", "-", goal))
        fn, mod = p.get("edit_function"), p.get("edit_module")
        if fn and mod and fn["wall_s"] and mod["wall_s"]:
            rows.append(("`make prove` after a comment added to %s's body, by function%s"
                         % (fn["function"], " (earlier run, %s)" % p.get("date", "?")
                            if p.get("carried_over") else ""),
                         fmt(fn["wall_s"]) + " s (wall)",
                         "whole module (PROVE_REPLAY=module) " + fmt(mod["wall_s"]) + " s",
                         fmt(fn["wall_s"] / mod["wall_s"]) + " (time)", "-"))
    return rows


def edit_text(p):
    """The paragraph on the body-edit runs (bench.py's bench_prove), or ''."""
    fn, mod = p.get("edit_function"), p.get("edit_module")
    if not fn or not mod:
        return ""
    return ("After the re-run, a comment was added to the body of %s (kernel/mm/vmspace.c) and "
            "`make prove` run again: **%s s** of wall time, proving that function only (replay by "
            "function: the module's context, everything but the function bodies and declarations, was unchanged, "
            "so the other functions' goals and the lemmas come from the stored proof; "
            "proofs/README.md), against **%s s** for a second such edit with "
            "`PROVE_REPLAY=module`, which proves the whole module again as `make prove` did "
            "before 2026-12-07 (every prover answer cached both times; exit status %s, %s)."
            % (fn["function"], fmt(fn["wall_s"]), fmt(mod["wall_s"]), fn["exit"], mod["exit"]))


def prove_cpu(run):
    """' (571 s of CPU, 1.95 cores busy on average)' for a run whose total line gave its CPU, else ''."""
    if not run.get("cpu_s") or not run.get("wall_s"):
        return ""
    return " (%s s of CPU, %s cores busy on average)" % (fmt(run["cpu_s"]), fmt(run["cpu_s"] / run["wall_s"]))


def cpu_split(c):
    """'98.2 + 105' for a module's {"frama_c", "provers"} CPU seconds (the
    runtime script's Unix.times at each Frama-C exit), '-' without one."""
    return "%s + %s" % (fmt(c["frama_c"]), fmt(c["provers"])) if c else "-"


def floor_what(c):
    """What the floor writes for clone row c: '1 page copied'."""
    return "%s copied" % pages(c["pages"])


def prove_passes(modules):
    """The passes and their provers, as the cold run's results name them
    (proofs/results/<module>.json): 'a goals pass with z3 + cvc4 + cvc5, ...'."""
    def names(key):
        seen = []
        for x in modules:
            for name in (x.get(key) or "").split(","):
                if name and name not in seen:
                    seen.append(name)
        return seen
    goals, assigns, smoke = names("provers"), names("assigns_provers"), names("smoke_prover")
    if not goals:   # results written before bench.py kept the provers
        return "a goals pass, a lemmas pass, an assigns pass and a smoke pass, with the provers " \
               "proofs/README.md names"
    added = [x for x in assigns if x not in goals]
    return ("a goals pass with %s, a lemmas pass (the same provers, every lemma in scope), "
            "an assigns pass %s, a smoke pass with %s"
            % (" + ".join(goals), "adding " + " + ".join(added) if added else "with the same provers",
               " + ".join(smoke) or "z3"))


def section_prove(p):
    if not p:
        return ("Not measured (`make bench` measures it unless BENCH_PROVE=0).")
    cold = {x["module"]: x for x in p["cold"]["modules"]}
    warm = {x["module"]: x for x in p["warm"]["modules"]}
    rerun = {x["module"]: x for x in p["rerun"]["modules"]} if p.get("rerun") else {}
    rows = []
    for m in cold:
        c, w = cold[m], warm.get(m, {})
        ps = c.get("pass_seconds") or {}
        rows.append((m, c["status"], "%d/%d" % (c["proved"], c["total"]), fmt(c["seconds"]),
                     cpu_split(c.get("cpu_s")),
                     " / ".join(fmt(ps.get(k)) for k in ("goals", "lemmas", "assigns", "smoke")) if ps else "-",
                     fmt(c["total"] / c["seconds"]) if c["seconds"] else "-",
                     fmt(w.get("seconds")),
                     "replayed" if w.get("replayed") else "%d/%d" % (w.get("cached", 0), w.get("total", 0)),
                     fmt(w["total"] / w["seconds"]) if w.get("seconds") else "-",
                     fmt(rerun[m]["seconds"]) if m in rerun else "-"))
    tc = sum(x["seconds"] for x in cold.values())
    tw = sum(x["seconds"] for x in warm.values())
    gc = sum(x["total"] for x in cold.values())
    pt = {k: sum((x.get("pass_seconds") or {}).get(k) or 0 for x in cold.values())
          for k in ("goals", "lemmas", "assigns", "smoke")}
    splits = [x.get("cpu_s") for x in cold.values()]
    rows.append(("**sum of the modules**", "", "%d/%d" % (sum(x["proved"] for x in cold.values()), gc),
                 fmt(tc),
                 cpu_split({k: sum(c[k] for c in splits) for k in ("frama_c", "provers")})
                 if all(splits) else "-",
                 " / ".join(fmt(pt[k]) for k in ("goals", "lemmas", "assigns", "smoke")),
                 fmt(gc / tc) if tc else "-", fmt(tw),
                 "%d replayed" % sum(1 for x in warm.values() if x.get("replayed"))
                 if any(x.get("replayed") for x in warm.values()) else
                 "%d/%d" % (sum(x["cached"] for x in warm.values()), sum(x["total"] for x in warm.values())),
                 fmt(gc / tw) if tw else "-",
                 fmt(sum(x["seconds"] for x in rerun.values())) if rerun else "-"))
    carried = ("**Not measured in this run**: these figures are from the last run "
               "that measured them (this one had `BENCH_PROVE=0`), on %s. " % p.get("date", "?")) if p.get("carried_over") else ""
    return "\n".join([
        carried +
        "`make prove` (Frama-C/WP, `-wp-par %d`, %s at once: %s; a goal with a prover hint in proofs/hints/ gets only "
        "that prover, which may be a lean one, the same prover on the task without its ACSL lemmas; "
        "the goals of the functions listed in proofs/qed-by-function are generated with some of "
        "Qed's simplifications off; "
        "see proofs/README.md) on a scratch export of commit `%s`: "
        "**cold** = an empty session (no cached prover result), **warm** = the same command again "
        "right after, with the session the cold run left. Seconds are Frama-C's wall time per "
        "module (`proofs/results/<module>.json`); goals exclude the smoke tests; \"cached\" counts "
        "the goals whose result came from the cache (\"replayed\": the module's inputs were unchanged, "
        "so its last passing result was replayed without running Frama-C); \"cold CPU\" splits a module's "
        "CPU time between Frama-C itself and the provers it waited for (`make prove` prints it on each "
        "module's line); **re-run** = the same "
        "session once more with `PROVE_REPLAY=0`: Frama-C runs every pass of every module and every "
        "prover answer comes from the cache, so it is Frama-C's own work (generating, simplifying and "
        "printing the goals), the part of a cold run that faster provers cannot remove.%s "
        "Whole `make prove` wall time: **cold %s s**%s, "
        "warm %s s%s (exit status %s)."
        % (p["par"], "%d modules" % p["jobs"] if (p.get("jobs") or 1) > 1 else "one module",
           prove_passes(p["cold"]["modules"]), p["commit"],
           " Modules ran side by side, so their seconds add up to more than the whole run's."
           if (p.get("jobs") or 1) > 1 else "", fmt(p["cold"]["wall_s"]), prove_cpu(p["cold"]),
           fmt(p["warm"]["wall_s"]),
           ", re-run %s s%s" % (fmt(p["rerun"]["wall_s"]), prove_cpu(p["rerun"])) if p.get("rerun") else "",
           ", ".join(str(p[k]["exit"]) for k in ("cold", "warm", "rerun") if k in p)),
        "",
        edit_text(p),
        "",
        table(("module", "status", "proved/goals", "cold s", "cold CPU s: Frama-C + provers",
               "cold s goals / lemmas / assigns / smoke",
               "cold goals/s", "warm s",
               "warm cached", "warm goals/s", "re-run s"), rows),
    ])


def section_boot(b):
    if not b:
        return "Not measured in this run."
    rows = [(k, ", ".join(fmt(x) for x in b[k]["runs"]), fmt(b[k]["median_s"]))
            for k in ("isola", "linux") if k in b]
    return "\n".join([
        "Wall time from starting QEMU to QEMU's exit: firmware, boot loader (Isola: GRUB from "
        "the ISO; Linux: QEMU's -kernel loader), kernel start, then `bench/bootmark` as the first "
        "process, which prints a marker and powers off (Linux: `reboot(RB_POWER_OFF)`; Isola: "
        "init's exit). Runs alternate between the kernels.",
        "",
        table(("kernel", "runs (s)", "median (s)"), rows),
        "",
        "Ratio Isola/Linux: **%s**." % fmt(b.get("ratio_isola_over_linux")),
    ])


def fork_rounds_line(fk, kernels):
    """The small-process rate of every round, in the order run, and the
    Isola/Linux ratio within each round: the machine's speed can change
    between rounds (and between the two runs of one), which the medians
    above do not show."""
    rounds = {k: [r["rate"]["host_per_s"] for r in fk[k].get("rounds", [])] for k in kernels}
    if not all(rounds.values()):
        return ""
    line = "- The same rate per round, in the order run (host clock, cycles/s): " + "; ".join(
        "%s %s" % (k, ", ".join(fmt(x) for x in rounds[k])) for k in kernels)
    if "linux" in rounds and len(rounds["linux"]) == len(rounds["isola"]):
        line += "; Isola/Linux within each round: " + ", ".join(
            fmt(a / b) for a, b in zip(rounds["isola"], rounds["linux"]))
    return line + "."


def section_fork(fk):
    if not fk:
        return "Not measured in this run."
    kernels = [k for k in ("isola", "linux") if k in fk]
    rows = []
    for i, a in enumerate(fk["isola"]["latency"]):
        row = [a["pages"]]
        for k in kernels:
            x = fk[k]["latency"][i]
            row += [fmt(x["host_us_per_cycle"]), fmt(x["guest_us_per_cycle"])]
        if "linux" in fk:
            row.append(fmt(fk["latency_ratio_isola_over_linux"][str(a["pages"])]))
        rows.append(row)
    head = ["pages touched"]
    for k in kernels:
        head += ["%s us/cycle (host clock)" % k, "%s us/cycle (guest clock)" % k]
    if "linux" in fk:
        head.append("time ratio Isola/Linux")
    rate = ["%s: %s cycles/s by the host's clock, %s by its own CLOCK_MONOTONIC"
            % (k, fmt(fk[k]["rate"]["host_per_s"]), fmt(fk[k]["rate"]["per_s"])) for k in kernels]
    skew = [(a["pages"], a["host_us_per_cycle"] / a["guest_us_per_cycle"])
            for a in fk["isola"]["latency"] if a["guest_us_per_cycle"]]
    worst = max(skew, key=lambda s: s[1]) if skew else None
    return "\n".join([
        "`bench/forkbench` runs as init on each kernel (%d rounds, alternating; medians). A cycle is "
        "fork, the child checks one byte of the first and last touched page and `_exit(0)`s, the "
        "parent reaps it with wait4. The rate is for the program as it starts (no extra pages); "
        "latency rows first map and touch N pages. Each figure is timed twice: by the program with "
        "clock_gettime(CLOCK_MONOTONIC) (guest clock) and by the host, from the arrival times of "
        "the program's \"begin\" and result lines on the serial port (host clock). The ratios use "
        "the host clock, the same for both kernels." % len(fk["isola"]["rounds"]),
        "",
        "- Rate, small process: " + "; ".join(rate) + ". Ratio Isola/Linux: **%s**."
        % fmt(fk.get("rate_ratio_isola_over_linux")),
        fork_rounds_line(fk, kernels),
        "- The same rate measured again after the latency rows, once processes of up to 8192 "
        "pages have run and exited and the parent has unmapped its pages (on Isola, munmap frees "
        "the page tables it emptied, and an exit scans only between its own space's marks, however "
        "many frames others hold below or above them): "
        + "; ".join("%s: %s cycles/s" % (k, fmt(fk[k]["rate_after"]["host_per_s"]))
                    for k in kernels if fk[k].get("rate_after"))
        + ". Ratio Isola/Linux: **%s**." % fmt(fk.get("rate_after_ratio_isola_over_linux"))
        if fk["isola"].get("rate_after") else "",
        "- The same rate beside a process that holds %s: forkbench first forks a holder that "
        "touches them and sleeps, so on Isola they lie below the frames of the rate's children, "
        "and an exit's scan starts at its own space's low mark (since 2026-12-07; before, at "
        "frame 0, so each exit paid for the holder's frames: on 2026-12-07, in one QEMU run each, "
        "a rate of 12,376 cycles/s beside the holder against 20,989 alone, and 20,899 against "
        "21,259 with the low mark): " % pages(fk["isola"].get("holder_pages") or 0)
        + "; ".join("%s: %s cycles/s (%s of its rate alone)"
                    % (k, fmt(fk[k]["rate_beside"]["host_per_s"]),
                       fmt(fk[k]["rate_beside"]["host_per_s"] / fk[k]["rate"]["host_per_s"]))
                    for k in kernels if fk[k].get("rate_beside"))
        + ". Ratio Isola/Linux: **%s**." % fmt(fk.get("rate_beside_ratio_isola_over_linux"))
        if fk["isola"].get("rate_beside") else "",
        "",
        table(head, rows),
        "",
        "Isola's CLOCK_MONOTONIC reads the TSC, whose rate the boot measures against PIT "
        "channel 2 (include/arch/clock.h), so it keeps counting while a system call runs with "
        "interrupts off (before, it counted timer interrupts and a long fork lost ticks). "
        "Per row, the host's clock measured between %.3f and %.3f times what Isola's own clock "
        "said (the largest at %d pages); the ratios use the host clock all the same."
        % (min(x[1] for x in skew), worst[1], worst[0]) if worst else "",
        "",
        "Linux forks copy-on-write (it copies page tables, not pages); Isola copies every page at "
        "fork (clone_fresh), so the large-N rows compare two different designs, as the issue asks.",
    ])


def section_clone(h, wk):
    if not h:
        return "Not measured in this run."
    wkc = {c["pages"]: c for c in (wk or {}).get("clone", [])}
    rows = [(c["pages"], fmt(c["clone_us"]), fmt(c["memcpy_us"]), fmt(c["ratio"]),
             fmt(c.get("floor_us")), fmt(c["floor_us"] / c["memcpy_us"]) if c.get("floor_us") else "-",
             fmt(c["clone_us"] / c["floor_us"]) if c.get("floor_us") else "-",
             fmt(c["clone_us"] * 1e3 / c["pages"]), fmt(c.get("loop_us")), fmt(c.get("rep_us")),
             fmt(c["destroy_us"]), fmt(wkc.get(c["pages"], {}).get("destroy_us")),
             fmt(c.get("plain_us")), fmt(c["clone_us"] / c["plain_us"]) if c.get("plain_us") else "-")
            for c in h["clone"]]
    mode = h.get("frames", "loop")
    return "\n".join([
        "`bench/clonebench` on the host, linked from the kernel's own kernel/mm sources and the "
        "host frame pool of tests/host (POOL_FRAMES = %d). A parent space gets N writable pages "
        "(vm_map), then the time of vm_space_clone (checked equal to the parent) is "
        "compared with the time of memcpy of N x 4 KiB between two touched buffers (each the "
        "lowest of 4 round medians; below). "
        "The kernel/mm files are compiled with the kernel's code-generation flags (bench/bench.mk). "
        "Every sample of clone and destroy is one call between two clock reads, and every memcpy "
        "sample of fewer than 64 pages is 64/N copies in a row between two reads (the sample is "
        "the interval over that count), less the clock's own cost measured in the run (the median "
        "of back-to-back reads: %s), so the small-N ratios compare the operations, not the clock. "
        "Each interval ends with an mfence before its closing read, so it ends when the timed "
        "writes are done, not when the last store entered the store buffer. Before commit 7db3e3f (2026-12-05) "
        "a one-page memcpy was one copy between two plain reads: with a "
        "clock that steps by 10 ns (kvm-clock) and stores still buffered, it read 20 ns on a "
        "2.1 GHz EPYC, under what 4 KiB of stores can take, and 80 ns on another machine, so the "
        "N=1 ratio (21.6 and 7.89) said more about the clock than about clone."
        % (h.get("pool_frames", 0),
           "%.1f ns" % h["clock_ns"] if h.get("clock_ns") is not None else "not recorded"),
        "",
        "Frames are zeroed and copied the way the kernel picks on this CPU: **frames=%s** (%s). "
        "The clone column and the ratio are that way; the loop and rep columns time clone each "
        "way (the loop is what Isola runs under QEMU's qemu64 model in the fork figures)."
        % (mode, "CPUID reports ERMS: one rep stosq / rep movsq per frame" if mode == "rep"
           else "no ERMS: an unrolled loop of 8-byte moves"),
        "",
        "The writes column times the writes alone that a copying clone of N pages makes in this "
        "design, with libc's memcpy between touched buffers (fastest of the same buffer pairs): "
        "the N pages copied. The child owns its root, tables and pages (ownership, "
        "clone_fresh), so it writes each; a table costs only its entries and the words below "
        "its frame's slot mark, since a frame comes back from the pool zero from its mark on "
        "(SlotMarksOk), and a root taken back from destroy only its user slots below its mark "
        "(FreeRootsOk), and those few words are left out (the clone took %s: the frames it took "
        "from the pool less the root and the N pages). It is the floor of clone/memcpy for a "
        "clone of this design, about 1: what clone adds to it is the code's."
        % ", ".join("%d tables at N=%d" % (c["tables"], c["pages"]) for c in h["clone"] if "tables" in c),
        "",
        "The four sides are timed in 4 rounds, and in each round every side runs in a block of "
        "its own: clones (each destroyed after its sample), then memcpys, then the writes, then "
        "plain clones (below). So "
        "each side finds in the caches what its previous sample left there, as in a loop of its "
        "own, and a change in the machine's load over the run reaches every side. Each side's "
        "figure is the lowest of its 4 round medians. Before "
        "2026-12-06 the sides were interleaved sample by sample and their buffers pushed each "
        "other's out of the caches, unequally: a 64-page clone took 4.2 us beside memcpy and "
        "3.4 us in a loop of its own, while memcpy took 2.8 us beside clone and 2.3 us beside "
        "the writes.",
        "",
        "Past its first 1,024 frames (4 MiB), a clone copies pages with non-temporal stores "
        "(nt_copy_frame: movnti, no read of the destination line); glibc's memcpy does the same "
        "for copies larger than a share of the last-level cache, so at 8192 pages (32 MiB) both "
        "sides stream.",
        "",
        table(("N pages", "clone us", "memcpy us", "ratio clone/memcpy", "writes us", "writes/memcpy",
               "clone/writes", "clone ns/page", "clone us, loop", "clone us, rep", "destroy us",
               "walk destroy us", "plain clone us", "clone/plain"), rows),
        "",
        "The walk destroy column is an experiment, not the kernel: clonebench-walk links "
        "bench/walkdestroy.c, a vm_space_destroy that walks the space's own tables instead of "
        "scanning the descriptors between its marks.",
        "",
        "The plain clone columns are another: bench/plainclone.c is vm_space_clone's design "
        "written plainly, for speed, with no proof in mind (one recursive function for the three "
        "table levels, its helpers inlined, pages copied with libc's memcpy; built with the "
        "harness's flags, not the kernel's). It takes the same frames in the same order and "
        "writes the same descriptors, marks, entries and words: before its figures, clonebench "
        "checks at each N that from the same state it leaves every byte a clone touches as "
        "vm_space_clone does, and fails otherwise. Its samples are a fourth block in each round, "
        "each clone destroyed (by vm_space_destroy, untimed) after its sample. So the plain "
        "clone's ratio to memcpy is what this design costs written plainly, and clone/plain what "
        "the proven code's structure costs on top (small functions with contracts, some of "
        "them calls in the compiled clone, where the plain one has none). At 8192 "
        "pages the kernel's clone streams its copies past 1,024 frames (above) and the plain one "
        "does not.",
    ])


def section_scaling(h):
    if not h:
        return "Not measured in this run."
    cl = {c["pages"]: c for c in h["clone"]}
    k_clone = slope_exponent(1024, cl.get(1024, {}).get("clone_us"), 8192, cl.get(8192, {}).get("clone_us"))
    k_destroy = slope_exponent(1, cl.get(1, {}).get("destroy_us"), 8192, cl.get(8192, {}).get("destroy_us"))
    ps = h["poolsize"]
    k_pool_d = slope_exponent(ps[0]["usable"], ps[0]["destroy_us"], ps[-1]["usable"], ps[-1]["destroy_us"]) if ps else None
    k_pool_c = slope_exponent(ps[0]["usable"], ps[0]["clone_us"], ps[-1]["usable"], ps[-1]["clone_us"]) if ps else None
    oc = h["occupancy"]
    slope = d_slope = None
    if len(oc) >= 2 and oc[-1]["taken"] > oc[0]["taken"]:
        slope = (oc[-1]["alloc_ns"] - oc[0]["alloc_ns"]) / (oc[-1]["taken"] - oc[0]["taken"])
        if "destroy64_us" in oc[0] and "destroy64_us" in oc[-1]:
            d_slope = (oc[-1]["destroy64_us"] - oc[0]["destroy64_us"]) * 1e3 / (oc[-1]["taken"] - oc[0]["taken"])
    return "\n".join([
        "Same host bench. Against the number of usable frames (64-page space; only its own "
        "frames taken):",
        "",
        table(("usable frames", "clone us", "destroy us"),
              [(p["usable"], fmt(p["clone_us"]), fmt(p["destroy_us"])) for p in ps]),
        "",
        "Against pool occupancy (`taken` frames allocated past the parent's before the "
        "measurement and kept while it runs, which also raises the high-water mark pmm_top):",
        "",
        table(("frames taken", "pmm_alloc + pmm_free ns", "clone of 64 pages us", "destroy of 64 pages us"),
              [(o["taken"], fmt(o["alloc_ns"]), fmt(o["clone64_us"]), fmt(o.get("destroy64_us")))
               for o in oc]),
        "",
        "Measured complexity:",
        "",
        "- **clone**: time grows as N^%s between 1024 and 8192 pages (1 would be linear): "
        "pmm_find_free starts at the hint, so a clone's allocations read O(N) descriptors in "
        "all, and its scan of each parent table reads the slots below that table's slot mark "
        "only (at most 512, about one past the highest slot in use): O(N + the marks of the "
        "parent's tables); exponent %s against usable frames." % (fmt(k_clone, 2), fmt(k_pool_c, 2)),
        "- **destroy**: exponent %s against mapped pages (1 to 8192) and %s against usable frames; "
        "%s ns more per frame taken, at the same 64 pages. It scans the descriptors from the "
        "space's own low mark pmm_owner_low (the lowest frame the space held) to below the lower "
        "of pmm_top and its own top mark pmm_owner_top (one past the highest): O(the span of the "
        "space's frames). It does not grow with the frames other spaces hold below it (here the "
        "taken frames, which the measured space was placed above; before 2026-12-07 the scan "
        "started at frame 0 and paid about 0.5 ns for each of them) or above it, with the pool's "
        "size or with what was freed before."
        % (fmt(k_destroy, 2), fmt(k_pool_d, 2), fmt(d_slope, 2)),
        "- **pmm_alloc**: %s ns more per frame taken. The taken frames were allocated "
        "in one run, so pmm_hint sits past them and each alloc/free pair reuses one frame: "
        "the cost is O(distance from the hint to the next free frame), not O(frames below), "
        "and at most O(POOL_FRAMES) when the pool is nearly full." % fmt(slope, 2),
    ])


def slowest(r):
    """(description, value, kind) of the ratio farthest from its goal."""
    cands = []
    b = r.get("boot") or {}
    if "ratio_isola_over_linux" in b:
        cands.append(("boot Isola/Linux", b["ratio_isola_over_linux"], b["ratio_isola_over_linux"] / 0.2, "boot"))
    fk = r.get("fork") or {}
    if "rate_ratio_isola_over_linux" in fk:
        v = fk["rate_ratio_isola_over_linux"]
        cands.append(("fork rate Isola/Linux", v, 1 / v, "fork"))
        for name, _, short in rates_again(fk):
            v = fk[name + "_ratio_isola_over_linux"]
            cands.append(("fork rate Isola/Linux " + short, v, 1 / v, "fork"))
        for n, t in fk["latency_ratio_isola_over_linux"].items():
            cands.append(("fork cycle time Isola/Linux at %s pages" % n, t, t, "fork"))
    for c in (r.get("host") or {}).get("clone", []):
        cands.append(("clone/memcpy at " + pages(c["pages"]), c["ratio"], c["ratio"] / CLONE_LIMIT, "clone"))
    return max(cands, key=lambda c: c[2]) if cands else None


def section_findings(r):
    s = slowest(r)
    if not s:
        return "No ratio measured."
    out = ["The ratio farthest from its goal in this run: **%s = %s** (%s x beyond its goal)."
           % (s[0], fmt(s[1]), fmt(s[2])), "", "Why, and what would change it: " + CAUSES[s[3]]]
    if s[3] == "clone":
        out += ["", floor_finding(r)]
    fk = r.get("fork") or {}
    if s[3] != "fork" and "rate_ratio_isola_over_linux" in fk:
        out += ["", "The fork figures have the same causes: " + CAUSES["fork"]]
    if s[3] != "clone" and (r.get("host") or {}).get("clone"):
        out += ["", "Clone vs memcpy: " + CAUSES["clone"]]
        if any(c["ratio"] > CLONE_LIMIT for c in r["host"]["clone"]):
            out += ["", floor_finding(r)]
    cl = {c["pages"]: c for c in (r.get("host") or {}).get("clone", [])}
    wk = {c["pages"]: c for c in (r.get("host_walk") or {}).get("clone", [])}
    if wk and cl:
        out += ["", "Experiment (host, not the kernel): with destroy walking the space's tables "
                "(bench/walkdestroy.c) instead of scanning the descriptors between its marks, destroy takes " + ", ".join(
                    "%s us instead of %s at N=%d" % (fmt(wk[n]["destroy_us"]), fmt(cl[n]["destroy_us"]), n)
                    for n in sorted(wk) if n in cl) + ". The walk is O(owned) whatever the "
                "marks; the kernel's scan is O(the span between the space's own marks)."]
    out += ["", "Boot: " + CAUSES["boot"]]
    return "\n".join(out)


def floor_finding(r):
    """How far the worst clone row is from memcpy by its writes alone, and
    from those writes by everything else clone does ('' without floor data)."""
    rows = [c for c in (r.get("host") or {}).get("clone", []) if c.get("floor_us")]
    if not rows:
        return ""
    c = max(rows, key=lambda c: c["ratio"])
    floor = c["floor_us"] / c["memcpy_us"]
    verdict = ("so the goal of %g is out of reach for it at this size"
               if floor > CLONE_LIMIT else
               "and that floor is under the goal of %g: the writes alone do not rule the goal out "
               "at this size") % CLONE_LIMIT
    return ("Measured in this run, how much of it is the design and how much the code: at %s, the "
            "writes alone that a copying clone makes (%s, with libc's memcpy, timed in "
            "the same run as clone and memcpy) take %s us, **%s x memcpy**. Each child owns "
            "its root, tables and pages (ownership, clone_fresh), so a clone writes at least those "
            "frames; a root taken back from destroy costs its user slots below its mark, and a "
            "table its entries and the few words below its frame's slot mark: no clone of this "
            "design gets below that ratio, whatever its code, %s. "
            "Isola's clone is **%s x those writes**; "
            "the rest is the slot scan, the descriptors, the tables' words and the entries (above)."
            % (pages(c["pages"]), floor_what(c), fmt(c["floor_us"]), fmt(floor), verdict,
               fmt(c["clone_us"] / c["floor_us"])) + plain_finding(c))


def plain_finding(c):
    """What the plain clone of clone row c says about design and code ('' without it)."""
    if not c.get("plain_us"):
        return ""
    plain = c["plain_us"] / c["memcpy_us"]
    return (" A plain clone of the same design (bench/plainclone.c: no proof, written for speed, "
            "checked to leave the same bytes as vm_space_clone) takes %s us at %s, **%s x memcpy**%s; "
            "Isola's clone is **%s x that plain clone**, which is what its proof-friendly structure "
            "costs."
            % (fmt(c["plain_us"]), pages(c["pages"]), fmt(plain),
               ": above the goal of %g, so the descriptors, tables and entries this design writes "
               "besides the page cost more than the goal leaves at this size, for plain code as for "
               "Isola's" % CLONE_LIMIT if plain > CLONE_LIMIT else
               ": under the goal of %g, so code can reach it at this size" % CLONE_LIMIT,
               fmt(c["clone_us"] / c["plain_us"])))


def write_doc(r):
    parts = [
        "# Benchmarks",
        "",
        "Written by `make bench` from one run on one machine (bench/bench.py measures, "
        "bench/report.py writes this page and [benchmarks.png](benchmarks.png)); "
        "do not edit by hand. Performance claims count only as ratios of this run.",
        "",
        section_machine(r["machine"]),
        "",
        "## Every ratio",
        "",
        table(("figure", "Isola", "reference", "ratio", "goal (issue 7)"), summary_rows(r)),
        "",
        "![fork cycle time per touched pages, both kernels; clone vs memcpy](benchmarks.png)",
        "",
        "## Slowest ratio",
        "",
        section_findings(r),
        "",
        "## Proof time",
        "",
        section_prove(r.get("prove")),
        "",
        "## Boot to init",
        "",
        section_boot(r.get("boot")),
        "",
        "## fork + exit + wait",
        "",
        section_fork(r.get("fork")),
        "",
        "## Clone vs memcpy",
        "",
        section_clone(r.get("host"), r.get("host_walk")),
        "",
        "## Scaling",
        "",
        section_scaling(r.get("host")),
        "",
        "## Reproducing",
        "",
        "    make bench                 # boot, fork, clone, proof time: writes this page and the PNG",
        "    make bench BENCH_PROVE=0   # the same without the cold + warm proof timing",
        "    make bench-smoke           # one iteration of each bench program (a make check stage)",
        "",
        "See bench/README.md for the knobs (ACCEL, BENCH_MEM, BENCH_BOOTS, BENCH_FORK_ROUNDS, "
        "BENCH_PROVE_PAR, BENCH_PROVE_JOBS, BENCH_LINUX).",
        "",
    ]
    with open(DOC, "w") as f:
        f.write("\n".join(parts))


def write_png(r):
    """The two plots, drawn by gnuplot; skipped (with a note) without data."""
    fk, h = r.get("fork"), r.get("host")
    if not fk or not h:
        print("report: no fork or host figures: %s not redrawn" % PNG)
        return
    dat = os.path.join(OUT, "plot-fork.dat")
    with open(dat, "w") as f:
        f.write("# pages isola_host_us isola_guest_us linux_host_us\n")
        for i, a in enumerate(fk["isola"]["latency"]):
            l = fk["linux"]["latency"][i] if "linux" in fk else {}
            f.write("%d %g %g %s\n" % (a["pages"], a["host_us_per_cycle"], a["guest_us_per_cycle"],
                                       l.get("host_us_per_cycle", "NaN")))
    dat2 = os.path.join(OUT, "plot-clone.dat")
    with open(dat2, "w") as f:
        f.write("# pages clone_us memcpy_us floor_us plain_us\n")
        for c in h["clone"]:
            f.write("%d %g %g %s %s\n" % (c["pages"], c["clone_us"], c["memcpy_us"], c.get("floor_us", "NaN"),
                                          c.get("plain_us", "NaN")))
    m = r["machine"]
    script = """
set terminal pngcairo size 1200,500 font "DejaVu Sans,10"
set output "{png}"
set multiplot layout 1,2 title "Isola benchmarks, {date}, {accel} ({cpu})"
set logscale xy
set xrange [0.7:12000]
set grid
set key top left
set xlabel "pages touched before fork"
set ylabel "microseconds per fork+exit+wait"
set title "fork cycle time in QEMU (lower is better)"
plot "{fork}" using 1:2 with linespoints lw 2 pt 7 title "Isola (host clock)", \\
     "" using 1:3 with linespoints dt 2 pt 6 title "Isola (its own clock)", \\
     "" using 1:4 with linespoints lw 2 pt 5 title "Linux {linux} (host clock)"
set xlabel "pages N"
set ylabel "microseconds"
set title "vm\\\\_space\\\\_clone vs memcpy of N x 4 KiB on the host"
plot "{clone}" using 1:2 with linespoints lw 2 pt 7 title "vm\\\\_space\\\\_clone", \\
     "" using 1:3 with linespoints lw 2 pt 5 title "memcpy", \\
     "" using 1:4 with linespoints dt 2 pt 4 title "a copying clone's writes alone (root, tables, pages)", \\
     "" using 1:5 with linespoints lw 2 dt 3 pt 2 title "a plain clone of the same design (no proof)"
unset multiplot
""".format(png=PNG, date=m["date"], accel=m["accel"].upper(), cpu=m["cpu"],
           fork=dat, clone=dat2, linux=m.get("linux_kernel") or "")
    gp = os.path.join(OUT, "plot.gp")
    with open(gp, "w") as f:
        f.write(script)
    subprocess.run(["gnuplot", gp], check=True)


def main():
    path = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(OUT, "results.json")
    os.chdir(ROOT)
    with open(path) as f:
        r = json.load(f)
    write_doc(r)
    write_png(r)
    print("report: wrote %s and %s" % (DOC, PNG))
    return 0


if __name__ == "__main__":
    sys.exit(main())
