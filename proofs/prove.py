#!/usr/bin/env python3
"""Isola's proof driver: runs Frama-C/WP on each proven file (a goals pass, an assigns pass, then a smoke pass: see frama_c_command), prints one
PASS:/FAIL: line per module plus a total, and writes per-goal results to
proofs/results/<module>.json. Exit status is non-zero if any module failed.

Usage (normally through `make prove`, which passes $(PROVEN_SRCS)):
    proofs/prove.py [--timeout S] [--par N] SRC.c...
Environment: PROVE_MODULES="pmm paging" restricts the run to those modules
(a module is the basename of its source file, without .c);
PROVE_FUNCTIONS="vm_map pt_map_leaf" to those functions' goals and smoke
tests, in the modules that define them (a partial result: see
functions_flags); PROVE_TIMEOUT
(default 10 s per prover call) and PROVE_PAR (default 4 goals in flight,
which keep 2 cores busy) tune WP's goals and assigns passes; every pass loads
proofs/wp_runtime.ml (PROVE_RUNTIME_SCRIPT: another file), so that Frama-C polls
its provers every 2 ms, not 50, and collects less often;
PROVE_JOBS (default: one per core, so 2 on 2 cores) is how many
modules are proved at once, each by its own Frama-C (see default_jobs);
PROVE_MAX_SECONDS (default 5400) bounds one module's Frama-C run;
PROVE_REPLAY=0 proves a module even when its inputs are unchanged since its
last passing proof (default: that result is replayed; see replay_keys, and
when only function bodies or declarations changed, only those functions
and the callers of a changed declaration are proved: replay_by_function_plan;
PROVE_REPLAY=module proves a changed module whole);
PROVE_HINTS=0 ignores proofs/hints/<module>.hints, which name the prover
that proves each goal (see read_hints), and starts every prover on every
goal; --write-hints rewrites those files from the run's results;
PROVE_HINTS_RACE=stale proves only the modules whose last result names
suspected stale hints, races those goals, and (with --write-hints) rewrites
their lines only (`make prove-hints-stale`); --write-new-hints adds the
lines of goals without one and drops those of goals gone, keeping every other
line (`make prove-hints-new`, see hints_out_of_date);
PROVE_QED_BY_FUNCTION names another file than proofs/qed-by-function (the
functions whose goals pass runs with some of Qed's simplifications off:
qed_by_function);
PROVE_WP_FLAGS names another flags file, PROVE_SESSION_DIR and
PROVE_RESULTS_DIR move the session and the results (for testing the driver).

A module fails on: a missing source file, any goal not proved, any smoke test
that is proved (dead code or inconsistent assumptions), any function without a
contract or without an assigns clause, any `admit` or `check` clause, any
axiom not named in docs/trusted-base.md, and any Frama-C error or abort.
"""
import argparse
import concurrent.futures
import functools
import hashlib
import json
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SESSION_DIR = os.environ.get("PROVE_SESSION_DIR", "proofs/session")
RESULTS_DIR = os.environ.get("PROVE_RESULTS_DIR", "proofs/results")
WP_FLAGS_FILE = "proofs/wp-flags"
# Makes Frama-C's task server poll every 2 ms instead of every 50 ms, and its
# collector run less often (a larger minor heap); loaded into every pass (see
# with_runtime_script), never part of a cache or replay key.
# PROVE_RUNTIME_SCRIPT names another file (prove-selftest: one that does not
# compile, to check that a run without it still proves).
RUNTIME_SCRIPT = os.environ.get("PROVE_RUNTIME_SCRIPT") or os.path.join(ROOT, "proofs", "wp_runtime.ml")
TRUSTED_BASE = "docs/trusted-base.md"
# Provers of the goals pass (every category but assigns) and of the assigns
# pass. cvc4-fmf is only for assigns goals (proofs/README.md says why);
# cvc5 is there for speed (proofs/README.md, "cvc5").
GOALS_PROVERS = "z3,cvc4,cvc5"
ASSIGNS_PROVERS = "z3,cvc4,cvc5,cvc4-fmf"
PASSES = ("goals", "lemmas", "assigns", "smoke")
# The passes whose goals WP splits into parts (-wp-split: one goal per
# conjunct or case). Only the assigns pass: a region-inclusion part there
# needs cvc4-fmf and the others z3, so each part gets its own prover. The
# goals and lemmas passes keep each property whole (-wp-no-split): 43 %
# fewer prover calls for vmspace, each with the whole task to read again,
# and every goal still proved (proofs/README.md, "Split or whole"). The
# smoke pass's goals are only there to make WP generate smoke tests.
SPLIT_PASSES = ("assigns",)
CPP_ARGS = ["-Iinclude", "-Ispec", "-I."]
# Defined for the lemmas pass only. A spec file keeps lemmas that only some
# modules reason with behind `#if defined(ISOLA_<M>_LEMMAS) ||
# defined(ISOLA_LEMMA_GOALS)` (spec/paging.acsl): a source that reasons with
# them defines ISOLA_<M>_LEMMAS before its includes; the lemmas pass sees
# every lemma, so each one is proved with every lemma declared before it in
# scope, as WP would prove it in any module.
LEMMA_GOALS_MACRO = "ISOLA_LEMMA_GOALS"
HINTS_DIR = os.environ.get("PROVE_HINTS_DIR", "proofs/hints")
# The provers a hint may name: Why3 shortcuts of GOALS_PROVERS and
# ASSIGNS_PROVERS.
HINT_PROVERS = ("z3", "cvc4", "cvc5", "cvc4-fmf", "z3-lean", "cvc4-lean", "cvc5-lean")
# The lean provers: z3, cvc4 and cvc5 through proofs/smt_lean.c, which
# deletes the ACSL lemmas from each task before the prover reads it
# (lean_section; proofs/README.md, "Lean provers"). Most goals need no lemma
# and are proved sooner without them; `make prove-hints` races them beside
# the others (PROVE_RACE_LEAN=1) and a hint may name one; a pass lists the
# lean provers its module's hints name (lean_provers).
LEAN_PROVERS = ("z3-lean", "cvc4-lean", "cvc5-lean")
LEAN_SOURCE = os.path.join(ROOT, "proofs", "smt_lean.c")


# The argv of one Frama-C run for one module. The caller may rely on: every
# flag of proofs/wp-flags comes after the common ones, so it overrides them;
# a pass's own property selection and the smoke pass's short limits come
# last of all.
#
# Up to four passes per module, because WP starts all of a goal's provers
# side by side (the first Valid wins), so every prover listed is paid for on
# every goal, a smoke test's expected answer ("not proved") comes only at the
# timeout, and every lemma in scope is a hypothesis of every goal:
# - "goals": every proof goal but the assigns ones and the lemmas, with
#   GOALS_PROVERS and no smoke tests;
# - "lemmas": the lemmas the module owns, with GOALS_PROVERS, in the
#   source preprocessed with LEMMA_GOALS_MACRO, so with every lemma of every
#   spec it includes in scope (skipped when there is none to prove, or when
#   the macro changes nothing: then the goals pass proves them). The
#   other passes see only the lemmas the module opts into: WP gives every
#   global lemma in scope to every goal, and a prover pays for each one
#   (vmspace: 5 of its 629 SMT goals needed a paging lemma, both of them
#   kept global, and its goals pass took 138 s of prover CPU with paging's
#   lemmas in scope against 83 s without; proofs/README.md);
# - "assigns": the assigns goals, with ASSIGNS_PROVERS: cvc4-fmf proves the
#   region inclusions the other two cannot instantiate, and is not started
#   on the other ~90 % of the goals (uaccess: 153 s with one goals pass of
#   three provers, 98 + 17 s in two passes);
# - "smoke": the smoke tests, with z3 alone and SMOKE_STEPS, in two
#   stages of one Frama-C run (-then), both without -wp-rte (below). WP
#   makes smoke tests for a function only if it has a requires clause or a
#   selected goal. Stage one selects no goal at all, so it tests the
#   functions with a precondition; stage two (-wp-fct) selects the assigns
#   goals of the functions without one (`unguarded`, read from the goals
#   pass's printed code: small accessors), so that they are tested too.
#   Their verdicts here are ignored; the assigns pass decides them. Before
#   (2026-12-06) the pass kept every assigns goal and -wp-rte: 30-32 s
#   against 16-18 s for vmspace's smoke pass alone, the same 192 smoke
#   tests with the same verdicts (proofs/README.md, "Smoke pass").
#   Why the run-time-error guards can go: each one is an assertion that
#   the goals pass proves from what precedes it, so adding it as a
#   hypothesis never makes a path inconsistent that was not already; a
#   smoke test gives the same answer with or without them, and the tasks
#   are smaller without. WP warns "Missing RTE guards" in this pass's log.
#   unguarded=None (the replay key, or no printed code): one stage that
#   keeps every assigns goal.
# The goals pass runs in stages when the module defines a function of
# proofs/qed-by-function (qed_by_function); stages=False gives it in one
# stage, every simplification on (the cache key; tools/prove-gui).
def frama_c_command(src, module, timeout, par, logdir, pass_name="goals", unguarded=None,
                    stages=True):
    base = module if pass_name == "goals" else module + "." + pass_name
    provers = {"goals": GOALS_PROVERS, "lemmas": GOALS_PROVERS,
               "assigns": ASSIGNS_PROVERS, "smoke": SMOKE_PROVER}[pass_name]
    if pass_name != "smoke":
        provers += "".join("," + p for p in lean_provers(module))
    if pass_name != "smoke" and read_hints(module):
        provers = "script," + provers   # see read_hints
    cpp = CPP_ARGS + (["-D" + LEMMA_GOALS_MACRO] if pass_name == "lemmas" else [])
    cmd = [
        "frama-c", src, "-c11",
        "-cpp-extra-args=" + " ".join(cpp),
        "-wp"] + ([] if pass_name == "smoke" else ["-wp-rte"]) + [
        # a list option: a second -wp-prover would add to it, not replace it
        "-wp-prover", provers,
        "-wp-split" if pass_name in SPLIT_PASSES else "-wp-no-split",
        "-wp-session", os.path.join(SESSION_DIR, module),
        "-wp-cache", "update",
        "-wp-timeout", str(timeout),
        "-wp-par", str(par),
        "-kernel-warn-key", "annot:missing-spec=abort",
        "-wp-report-json", os.path.join(logdir, base + ".wp-report.json"),
        "-wp-log", "a:" + os.path.join(logdir, base + ".wp.log"),
        "-kernel-log", "a:" + os.path.join(logdir, base + ".kernel.log"),
    ]
    flags = wp_flags(src)
    if pass_name == "goals":
        cmd.append("-wp-no-smoke-tests")
        printed = ["-print", "-ocode", os.path.join(logdir, module + ".printed.c")]
        lemmas_here = not lemma_pass_needed(src)
        if lemmas_here:
            selection = property_selection(flags, ["assigns"],
                                           LEMMAS_OWNED_ELSEWHERE.get(module, ()))
        else:
            selection = property_selection(flags, ["assigns", "lemma"])
        groups = qed_groups(src, flags) if stages else []
        if not groups:
            return cmd + printed + flags + [selection]
        with_lemmas = lemmas_here and selected_functions(flags) is None \
            and lemmas_to_prove(src, module)
        # Without the flags' -wp-fct: within one stage a second -wp-fct adds
        # to the first (stage one would prove every selected function with
        # its group's switches); each stage names its functions itself.
        return cmd + without_option(flags, "-wp-fct") + \
            qed_stages(flags, groups, selection, printed, with_lemmas, module)
    if pass_name == "lemmas":
        return cmd + ["-wp-no-smoke-tests"] + flags + [lemma_selection(flags, module)]
    if pass_name == "assigns":
        return cmd + ["-wp-no-smoke-tests"] + flags + \
            [property_selection(flags, SMOKE_PASS_SKIPPED)]
    # A -wp-prop of the flags (a mutant's `properties:`) chooses which goals
    # a run proves. Kept here, a name it selects would stop WP from making
    # any smoke test (stage one selects no goal), and the module would fail
    # for the missing default_requires tests (2026-12-06: the baselines of
    # the three property mutants failed so).
    cmd += without_option(flags, "-wp-prop") + [
        "-wp-smoke-tests", "-wp-par", str(SMOKE_PAR), "-wp-steps", str(SMOKE_STEPS),
        "-wp-timeout", str(SMOKE_TIMEOUT), "-wp-smoke-timeout", str(SMOKE_TIMEOUT)]
    keep_assigns = "-wp-prop=" + ",".join("-@" + c for c in SMOKE_PASS_SKIPPED)
    if unguarded is None:
        return cmd + [keep_assigns]
    cmd.append("-wp-prop=" + ",".join("-@" + c for c in SMOKE_PASS_SKIPPED + ["assigns"]))
    selected = selected_functions(flags)
    stage_two = [f for f in unguarded if selected is None or f in selected]
    if stage_two:
        # -then: the same run goes on with these options replaced
        cmd += ["-then", "-wp-fct", ",".join(stage_two), keep_assigns]
    return cmd


# proofs/qed-by-function: functions whose goals pass runs with some of
# Qed's simplifications off, each line a function and the switches it turns
# off (QED_SWITCHES: -wp-no-pruning, -wp-no-ground). Pruning drops the
# branches of a goal's hypotheses that Qed finds irrelevant; ground
# propagation rewrites the hypotheses with the constants others fix. For
# most functions they make the provers' tasks smaller and are worth their
# cost; for the listed ones they cost more Frama-C time than the provers
# save (vm_map: 9.7 s of CPU with both, 4.9 s without pruning;
# proofs/README.md, "Qed by function"). Either way each goal is the same
# property, proved by the same provers: both are simplifications that keep
# a goal's meaning, so the file decides speed, never a verdict. The goals
# pass only: the assigns and smoke passes took the same time either way.
QED_FILE = os.environ.get("PROVE_QED_BY_FUNCTION", "proofs/qed-by-function")
QED_SWITCHES = ("pruning", "ground")


# ((function, frozenset of the switches it turns off), ...) in the file's
# order; a line that names an unknown switch, none, or a function a second
# time stops the run with the line's place.
@functools.lru_cache(maxsize=None)
def qed_by_function():
    path = os.path.join(ROOT, QED_FILE)
    entries, seen = [], set()
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return ()
    for n, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        off = set()
        ok = len(words) > 1 and words[0] not in seen
        for w in words[1:]:
            name = w[len("-wp-no-"):] if w.startswith("-wp-no-") else None
            ok = ok and name in QED_SWITCHES and name not in off
            off.add(name)
        if not ok:
            sys.exit("prove: %s:%d: expected a function not listed before and one or more of %s"
                     % (QED_FILE, n, " ".join("-wp-no-" + s for s in QED_SWITCHES)))
        seen.add(words[0])
        entries.append((words[0], frozenset(off)))
    return tuple(entries)


# The listed functions that src defines and the flags select (all of them
# without a -wp-fct), grouped by the switches they turn off:
# [(switches, [function, ...]), ...] in the file's order.
def qed_groups(src, flags):
    selected = selected_functions(flags)
    groups = {}
    for fn, off in qed_by_function():
        if (selected is None or fn in selected) and defines(src, fn):
            groups.setdefault(off, []).append(fn)
    return list(groups.items())


# Every switch of QED_SWITCHES, off (-wp-no-X) if in `off`, else on (-wp-X).
def qed_switch_flags(off=()):
    return [("-wp-no-" if s in off else "-wp-") + s for s in QED_SWITCHES]


# The goals pass's stages, after the common flags, when it proves some
# functions of proofs/qed-by-function (proofs/README.md, "Qed by function"):
# 1. one stage per group of qed_groups, its switches off;
# 2. the other functions the flags select (all of them without a -wp-fct),
#    every switch on; skipped when there is none;
# 3. with_lemmas (the goals pass proves lemmas of the module, and the flags
#    select no function): the lemmas, which -wp-fct and -wp-skip-fct leave
#    out of the stages before. Not without one: WP would warn "No goal
#    generated".
# Only the first stage follows the flags: -wp-fct, a set of names, adds
# to an earlier one in the same stage and replaces it in a later stage.
# WP would prove again in a later stage a goal an earlier one failed (it
# selects every property whose status is not valid yet), so each stage
# names its own functions or properties: a goal is tried once, and a
# failing one costs one timeout, as in one stage. The code is printed at the
# end of the last stage, so once, with every function's run-time-error
# guards.
def qed_stages(flags, groups, selection, printed, with_lemmas, module):
    selected = selected_functions(flags)
    listed = [fn for _, fns in groups for fn in fns]
    stages = [qed_switch_flags(off) + ["-wp-fct", ",".join(fns), selection]
              for off, fns in groups]
    if selected is None:
        stages.append(qed_switch_flags() + ["-wp-fct=", "-wp-skip-fct", ",".join(listed),
                                            selection])
    else:
        others = [f for f in selected if f not in listed]
        if others:
            stages.append(qed_switch_flags() + ["-wp-fct", ",".join(others), selection])
    if with_lemmas:
        stages.append(qed_switch_flags() + ["-wp-fct=", "-wp-skip-fct=",
                                            lemma_selection(flags, module)])
    argv = []
    for i, stage in enumerate(stages):
        argv += (["-then"] if i else []) + stage
    return argv[:-1] + printed + argv[-1:]


# The value of the last `name X` or `name=X` in argv, None without one (as
# in Frama-C, a later occurrence overrides an earlier one).
def last_option(argv, name):
    value = None
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            value = argv[i + 1]
        elif a.startswith(name + "="):
            value = a.split("=", 1)[1]
    return value


# argv without any `name X` or `name=X`.
def without_option(argv, name):
    out, skip = [], False
    for i, a in enumerate(argv):
        if skip:
            skip = False
        elif a == name and i + 1 < len(argv):
            skip = True
        elif not a.startswith(name + "="):
            out.append(a)
    return out


# The functions a -wp-fct of flags restricts WP to (make mutants), or None.
def selected_functions(flags):
    names = last_option(flags, "-wp-fct")
    return None if names is None else [n for n in names.split(",") if n]


# Whether src's flags restrict the run to some functions or properties
# (PROVE_FUNCTIONS, or a -wp-fct or -wp-prop in the flags file: make mutants).
def partial_flags(src=None):
    flags = wp_flags(src)
    return selected_functions(flags) is not None or last_option(flags, "-wp-prop") is not None


# Prover hints: proofs/hints/<module>.hints names, for each goal an SMT
# prover proved, the prover that proved it ("typed_pmm_take_ensures_count
# cvc4"). The caller may rely on: {} when PROVE_HINTS=0 or there is no file;
# lines naming a prover outside HINT_PROVERS, and '#' comments, are skipped.
#
# Why: WP starts every listed prover on a goal and keeps the first Valid, so
# each goal costs both z3 and cvc4 (three provers on assigns goals), and
# Frama-C encodes the goal once per prover. With hints, the goals and
# assigns passes list the pseudo-prover "script" first, and write_scripts
# turns each hint into a WP proof script of one alternative: that prover,
# with the pass's timeout. WP then runs only the hinted prover; a goal
# without a script is raced as before. A hint decides which prover runs,
# never a verdict: if the hinted prover does not say Valid, WP goes on with
# the other provers (the goal then costs one timeout more), and an unproved
# goal fails as always. So hints are outside the cache and replay keys.
@functools.lru_cache(maxsize=None)
def read_hints_file(path):
    hints = {}
    for line in read(path).splitlines():
        words = line.split()
        if len(words) == 2 and not line.startswith("#") and words[1] in HINT_PROVERS:
            hints[words[0]] = words[1]
    return hints


def hints_path(module):
    return os.path.join(ROOT, HINTS_DIR, module + ".hints")


# The hints a module's passes use: its own file's, plus, for the lemmas in
# its scope that another module owns (FOREIGN_LEMMAS; a module proved alone
# proves them too), the owner's lines: a lemma is the same goal, with the same
# lemmas before it, in either module.
def read_hints(module):
    if os.environ.get("PROVE_HINTS", "1") == "0":
        return {}
    hints = dict(read_hints_file(hints_path(module)))
    for goal, owner in FOREIGN_LEMMAS.get(module, {}).items():
        prover = read_hints_file(hints_path(owner)).get(goal)
        if prover and goal not in hints:
            hints[goal] = prover
    if race_stale():
        hints = {g: p for g, p in hints.items() if g not in last_stale_hints(module)}
    return hints


# The lean provers a module's goals, lemmas and assigns passes list, after
# the others: every one in a `make prove-hints` race, else those its hints
# name. WP runs a script's prover only if the pass lists it (a hint naming
# an unlisted prover fails at once and the listed provers race), and the
# first -wp-par provers listed are the ones a race starts, so the lean ones
# come last: a goal without a hint is raced as before. In a `make prove-hints`
# race, too, the lean ones start only when one of the first -wp-par is done
# (starting all seven at once picked slower hints: proofs/README.md).
def lean_provers(module):
    if race_lean():
        return [p for p in LEAN_PROVERS if p in HINT_PROVERS]
    named = set(read_hints(module).values())
    return [p for p in LEAN_PROVERS if p in named]


def race_lean():
    return os.environ.get("PROVE_RACE_LEAN", "") == "1"


# `make prove-hints-stale` (PROVE_HINTS_RACE=stale): the goals that the
# module's last result names as suspects of a stale hint (hints.stale; see
# stale_hints) run without their hint, so every prover races on them, and
# --write-hints then rewrites their lines only. Read once per module, before
# this run replaces that result.
def race_stale():
    return os.environ.get("PROVE_HINTS_RACE", "") == "stale"


@functools.lru_cache(maxsize=None)
def last_stale_hints(module):
    try:
        with open(os.path.join(RESULTS_DIR, module + ".json")) as f:
            return frozenset((json.load(f).get("hints") or {}).get("stale") or ())
    except (OSError, ValueError, AttributeError):
        return frozenset()


# The WP session's scripts for this module: exactly one per hint, in
# <session>/script/<goal without "typed_">.json, each a single prover
# alternative without a recorded time (so WP gives it the pass's timeout).
def write_scripts(module, hints):
    sdir = os.path.join(SESSION_DIR, module, "script")
    os.makedirs(sdir, exist_ok=True)
    for name in os.listdir(sdir):
        if name.endswith(".json"):
            os.remove(os.path.join(sdir, name))
    for goal, prover in hints.items():
        with open(os.path.join(sdir, re.sub(r"^typed_", "", goal) + ".json"), "w") as f:
            json.dump([{"prover": prover, "verdict": "valid"}], f)
            f.write("\n")


# The hint that stands for a result's prover as WP names it ("Z3 4.8.12",
# "CVC4 1.8 (fmf)", or "z3 (hint)" for a goal proved through its script),
# or None (Qed, no prover).
def hint_of(prover):
    if not prover:
        return None
    m = re.match(r"^(\S+) \(hint\)$", prover)
    if m:
        return m.group(1) if m.group(1) in HINT_PROVERS else None
    lean = "-lean" if prover.endswith("(lean)") else ""
    if prover.startswith("Z3 "):
        return "z3" + lean
    if prover.startswith("CVC4 "):
        return "cvc4-fmf" if prover.endswith("(fmf)") else "cvc4" + lean
    if prover.startswith("CVC5 "):
        return "cvc5" + lean
    return None


# Rewrites proofs/hints/<module>.hints from a passing result: one line per
# goal an SMT prover proved, sorted by goal. With only (a set of goals), the
# file keeps its other lines and only those goals' lines are rewritten.
def write_hints(result, only=None):
    foreign = FOREIGN_LEMMAS.get(result["module"], {})
    proved = {g["goal"]: hint_of(g.get("prover")) for g in result["goals"]
              if g.get("kind") == "goal" and g.get("status") == "valid"
              and hint_of(g.get("prover")) and g["goal"] not in foreign}
    path = hints_path(result["module"])
    if only is not None:
        kept = {g: p for g, p in read_hints_file(path).items() if g not in only}
        proved = dict(kept, **{g: p for g, p in proved.items() if g in only})
    lines = sorted("%s %s" % gp for gp in proved.items())
    os.makedirs(os.path.join(ROOT, HINTS_DIR), exist_ok=True)
    with open(path, "w") as f:
        f.write("# Prover hints for %s: the prover that proves each goal (proofs/README.md,\n"
                "# \"Prover hints\"). Written by `make prove-hints`; a hint never decides a verdict.\n"
                % result["module"])
        f.writelines(line + "\n" for line in lines)
    return path, len(lines)


# `make prove-hints-new` (--write-new-hints): the goals whose line in the
# module's hints file (hints, as committed) no longer matches its goals:
# goals an SMT prover proved that have no line (new or renamed goals), and
# lines whose goal the module no longer has or Qed now proves. Given as
# write_hints' `only`, so every other line stays as it is and a change to
# one function touches only its goals' lines. foreign: goals whose lines
# belong in another module's file (FOREIGN_LEMMAS), never written here and
# dropped if they are. partial: the run did not see every goal (a -wp-fct or
# -wp-prop in the flags), so no line of a goal it did not see is dropped.
def hints_out_of_date(result, hints, foreign=frozenset(), partial=False):
    goals = {g["goal"]: g for g in result["goals"] if g.get("kind") == "goal"}
    new = {n for n, g in goals.items() if n not in hints and n not in foreign
           and g.get("status") == "valid" and hint_of(g.get("prover"))}
    gone = {n for n in hints if n in foreign or (n not in goals and not partial) or
            (n in goals and goals[n].get("status") == "valid"
             and not hint_of(goals[n].get("prover")))}
    return new | gone


# One -wp-prop flag: the last -wp-prop of flags (WP keeps only the last one
# given; make mutants names properties that way), if any, minus the given
# categories. WP reads such a list as "these names, but none of these
# categories"; with no name, as "everything but these categories".
def property_selection(flags, skipped, skipped_names=()):
    names = [n for n in (last_option(flags, "-wp-prop") or "").split(",") if n]
    return "-wp-prop=" + ",".join(names + ["-@" + c for c in skipped] +
                                  ["-" + n for n in skipped_names])


# The -wp-prop of a run that proves the module's lemmas and nothing else
# (the lemmas pass, the goals pass's lemma stage): every category but
# lemma left out, and the lemmas another module of the run proves.
def lemma_selection(flags, module):
    return property_selection(flags, [c for c in SMOKE_PASS_SKIPPED if c != "lemma"] + ["assigns"],
                              LEMMAS_OWNED_ELSEWHERE.get(module, ()))


# Each lemma is proved once per run. The lemmas of spec/<m>.acsl are goals
# of module m; another module that includes the file (vmspace and uaccess
# include spec/paging.acsl) uses them as hypotheses, as WP does with every
# lemma in scope, but does not prove them again when m is proved in the
# same run: main() fills LEMMAS_OWNED_ELSEWHERE[module] with those names for
# the goals pass. When m is not in the run (PROVE_MODULES=vmspace, a
# mutant), the module proves them itself. A module replayed from its last
# result proved them on the same inputs (the spec file is part of its key).
LEMMAS_OWNED_ELSEWHERE = {}
# module -> {"typed_lemma_<name>": owner} for the lemmas in the module's scope
# that another module of PROVEN_SRCS owns, whichever modules this run proves:
# their hints live in the owner's file (read_hints, hints_out_of_date).
FOREIGN_LEMMAS = {}
LEMMA_RE = re.compile(r"^\s*lemma\s+(\w+)\s*[{:]", re.M)


# The lemma names of spec/<module>.acsl ([] if there is no such file).
def spec_lemmas(module):
    path = os.path.join(ROOT, "spec", module + ".acsl")
    if not os.path.exists(path):
        return []
    return LEMMA_RE.findall(read(path))


# The lemma names in src's lemmas pass: every lemma of every spec it includes.
def lemmas_in_scope(src):
    return LEMMA_RE.findall((preprocessed(src, lemma_goals=True) or b"").decode(errors="replace"))


# For the (source, module) pairs of one run: module -> the lemmas in its
# scope (in its preprocessed source) that another module of the run proves
# (see LEMMAS_OWNED_ELSEWHERE).
def plan_lemma_owners(mods):
    return {m: sorted(owners) for m, owners in lemma_owners_elsewhere(mods).items()}


# module -> {lemma name: owner module} for the lemmas in the scope of each
# module of run (default: mods) that another module of mods owns.
def lemma_owners_elsewhere(mods, run=None):
    owner = {n: m for _, m in mods for n in spec_lemmas(m)}
    return {m: {n: owner[n] for n in lemmas_in_scope(src) if owner.get(n, m) != m}
            for src, m in (mods if run is None else run)}


# Whether src's lemmas need a pass of their own: whether LEMMA_GOALS_MACRO
# brings lemmas into scope that src's goals do not see. When it does not
# (kernel/mm/paging.c asks for every lemma it includes), the goals pass
# proves the lemmas too, as one Frama-C run fewer.
def lemma_pass_needed(src):
    return preprocessed(src) != preprocessed(src, lemma_goals=True)


# Whether module proves any lemma in src's lemmas pass (one in scope that no
# other module of the run owns). A wp-flags -wp-prop naming properties (make
# mutants) is not consulted: the pass then generates nothing, 0 of 0.
def lemmas_to_prove(src, module):
    elsewhere = set(LEMMAS_OWNED_ELSEWHERE.get(module, ()))
    return any(n not in elsewhere for n in lemmas_in_scope(src))


# glibc's malloc settings for Frama-C and every prover it starts: ask the
# kernel for transparent huge pages (madvise; nothing changes where THP is
# "never") and grow the heap 64 MiB at a time. A prover starts about 3,400
# times in a cold `make prove` (z3 ~2,500: goals, then each smoke test);
# z3 alone took 82-92 ms of CPU to start on an empty problem, 5,100 page
# faults, and 21 ms with these (2.1 GHz EPYC, a PVM guest where a page
# fault is dear, 2026-12-05). Only memory placement changes, never an
# answer. A setting the caller gives in GLIBC_TUNABLES wins.
MALLOC_TUNABLES = ("glibc.malloc.hugetlb=1", "glibc.malloc.top_pad=67108864")


def malloc_tunables(current):
    """GLIBC_TUNABLES's value current, plus each of MALLOC_TUNABLES that it
    does not set already."""
    given = [t for t in current.split(":") if t]
    names = {t.split("=", 1)[0] for t in given}
    return ":".join(given + [t for t in MALLOC_TUNABLES if t.split("=", 1)[0] not in names])


SMOKE_PROVER = "z3"
# A smoke test's budget is z3 steps (its rlimit), not time: the same search
# on every machine, at any load. 100,000 steps take about 0.1-0.3 s; a 1 s
# limit, used before, reached about 270,000 on an idle 2-core machine and
# fewer on a busy one. The time limit is only a backstop, well above what
# the steps take, so that it never decides a verdict.
SMOKE_STEPS = int(os.environ.get("PROVE_SMOKE_STEPS", "100000"))
SMOKE_TIMEOUT = 5
# A smoke test keeps z3 busy until its budget runs out: one per core.
SMOKE_PAR = 2
# Property categories the smoke pass does not generate (all but assigns).
SMOKE_PASS_SKIPPED = ["ensures", "requires", "invariant", "variant", "assert",
                      "lemma", "check", "complete_behaviors", "disjoint_behaviors",
                      "terminates", "exits", "decreases", "breaks", "continues",
                      "returns"]


# Extra flags from proofs/wp-flags: one per line, '#' comments and blank
# lines ignored; a line is split like a shell word list ("-wp-timeout 30").
# The flags of proofs/wp-flags (or PROVE_WP_FLAGS), then PROVE_FUNCTIONS's
# restriction: to the functions src defines, or all of them without src.
def wp_flags(src=None):
    path = os.path.join(ROOT, os.environ.get("PROVE_WP_FLAGS", WP_FLAGS_FILE))
    flags = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    flags += shlex.split(line)
    return flags + functions_flags(flags, src)


# PROVE_FUNCTIONS="vm_space_map vm_leaf_link": the passes prove only these
# functions' goals and smoke tests (-wp-fct, after the flags file's, so it
# wins) and no lemma (a lemma reads no function body; -wp-prop=-@lemma
# unless the flags file selects properties itself). For iterating on one
# proof: every goal such a run proves is a goal of `make prove` too, but the
# result says it is partial ("functions"), so no tool takes it for the
# module's whole proof, and it is not stored for replay.
def prove_functions():
    return os.environ.get("PROVE_FUNCTIONS", "").replace(",", " ").split()


# src -> the functions a replay by function proves again (prove_or_replay):
# set while that module's passes run, as if PROVE_FUNCTIONS named them.
CHANGED_FUNCTIONS = {}


def functions_flags(flags, src=None):
    names = CHANGED_FUNCTIONS.get(src) or \
        [n for n in prove_functions() if src is None or defines(src, n)]
    if not names:
        return []
    return ["-wp-fct", ",".join(names)] + \
        ([] if last_option(flags, "-wp-prop") is not None else ["-wp-prop=-@lemma"])


# Whether src's preprocessed text defines function name (with a body, in
# the file or a header it includes). The declaration may carry GCC
# attributes before the name (`static __attribute__((noinline)) uint32_t
# vm_next_present(...)`: until 2026-12-07 PROVE_FUNCTIONS could not select
# that function, "no module proved here defines it").
@functools.lru_cache(maxsize=None)
def defines(src, name):
    text = re.sub(r"^# \d+ .*\n", "", (preprocessed(src) or b"").decode(errors="replace"),
                  flags=re.M)   # gcc -E's line markers split a declaration
    attribute = r"__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)"
    return re.search(r"^(?=[A-Za-z_])(?:[\w\s*]|%s)*?\b%s\s*\([^;{)]*\)\s*\{"
                     % (attribute, re.escape(name)), text, re.M) is not None


# The modules of mods that define one of names, and the names no module defines.
def modules_defining(mods, names):
    found, chosen = set(), []
    for src, m in mods:
        here = {n for n in names if defines(src, n)}
        if here:
            chosen.append((src, m))
            found |= here
    return chosen, [n for n in names if n not in found]


# Seconds in a Frama-C time string ("0.92ms", "20ms", "2s", "1.5s", "1'05s",
# "1h02'"), or None if the string is not a time.
def parse_time(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)ms", text)
    if m:
        return float(m.group(1)) / 1000.0
    m = re.fullmatch(r"(\d+(?:\.\d+)?)s", text)
    if m:
        return float(m.group(1))
    m = re.fullmatch(r"(\d+)'(\d+)s", text)
    if m:
        return 60.0 * int(m.group(1)) + int(m.group(2))
    m = re.fullmatch(r"(\d+)h(\d+)'?", text)
    if m:
        return 3600.0 * int(m.group(1)) + 60.0 * int(m.group(2))
    return None


# The prover time of one result tail such as "Valid (Qed:5ms) (20ms) (97305)
# (cached)": the first parenthesised time that is not the Qed one.
def result_details(tail):
    parts = re.findall(r"\(([^()]*)\)", tail)
    seconds = None
    qed = None
    for p in parts:
        if p.startswith("Qed:"):
            qed = parse_time(p[4:])
        elif seconds is None and parse_time(p) is not None:
            seconds = parse_time(p)
    return {
        "time_s": seconds if seconds is not None else qed,
        "cached": "cached" in parts,
    }


GOAL_RE = re.compile(r"^\[wp\] \[([^\]]+)\] Goal (\S+) : (\w+)(.*)$")
FAILED_GOAL_RE = re.compile(r"^\[wp\] \[Failed\] Goal (\S+)\s*$")
SMOKE_RE = re.compile(r"^\[wp\] \[(Passed|Failed)\] Smoke-test (\S+)\s*$")
ATTEMPT_RE = re.compile(r"^\s*([A-Za-z][\w .+-]*?):\s+(\w+)(.*)$")
SUMMARY_RE = re.compile(r"^\[wp\] Proved goals:\s+(\d+)\s*/\s*(\d+)")


# Every goal and smoke test named in a WP log (-wp-log a:FILE), keyed by goal
# name. A goal is {kind, status, prover, time_s, cached, attempts}; a smoke
# test's status is "passed" (nothing proved false) or "failed".
def parse_wp_log(lines):
    goals = {}
    summary = None
    current = None
    for line in lines:
        m = SUMMARY_RE.match(line)
        if m:
            # one summary per WP run: the smoke pass has two (-then)
            done, total = summary or (0, 0)
            summary = (done + int(m.group(1)), total + int(m.group(2)))
            current = None
            continue
        m = SMOKE_RE.match(line)
        if m:
            status = "passed" if m.group(1) == "Passed" else "failed"
            current = goals.setdefault(m.group(2), {
                "kind": "smoke", "status": status, "prover": None,
                "time_s": None, "cached": False, "attempts": []})
            if status == "failed":
                current["status"] = "failed"
            continue
        m = FAILED_GOAL_RE.match(line)
        if m:
            current = goals.setdefault(m.group(1), {
                "kind": "goal", "status": "unproved", "prover": None,
                "time_s": None, "cached": False, "attempts": []})
            current["status"] = "unproved"
            continue
        m = GOAL_RE.match(line)
        if m:
            tag, name, verdict, tail = m.groups()
            d = result_details(tail)
            goals[name] = {
                "kind": "goal",
                "status": "valid" if verdict == "Valid" else verdict.lower(),
                "prover": tag, "time_s": d["time_s"], "cached": d["cached"],
                "attempts": [{"prover": tag, "verdict": verdict, **d}]}
            current = None
            continue
        if line.startswith("["):
            current = None
            continue
        m = ATTEMPT_RE.match(line)
        if current is not None and m:
            prover, verdict, tail = m.groups()
            attempt = {"prover": prover, "verdict": verdict,
                       **result_details(tail)}
            if attempt not in current["attempts"]:
                current["attempts"].append(attempt)
            if current["kind"] == "smoke" and verdict == "Valid":
                current["prover"] = prover
                current["time_s"] = attempt["time_s"]
    return goals, summary


# A pass's -wp-report-json, parsed ({} when missing or unreadable).
def read_report(path):
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError):
        return {}
    return report if isinstance(report, dict) else {}


# Function (or axiomatic, for a lemma) and property of each WP goal, named
# from the -wp-report-json file's property keys. A goal is typed_<key>[_<part>]
# (part: "preserved", "part2", ...) where the report files <key> under the
# function it belongs to (a smoke test of a call, <callee>_wp_smoke_dead_call,
# under the caller); the longest matching key wins. Two exceptions: a callee's
# precondition checked at a call, <caller>_call_<callee>_requires[_<label>],
# whose report key carries a de-duplicating "_2" instead, and a lemma,
# lemma_<name>, filed under its axiomatic.
def attach_properties(goals, report):
    owner = {}      # report key -> function
    axiomatic = {}  # "lemma_<name>" -> axiomatic name
    try:
        for fn, entries in (report.get("wp:functions") or {}).items():
            for k in entries:
                if k != "wp:section":
                    owner.setdefault(k, fn)
        for ax, entries in (report.get("wp:axiomatics") or {}).items():
            for k in entries:
                if k != "wp:section":
                    axiomatic[k] = ax
    except AttributeError:
        pass
    functions = sorted(set(owner.values()), key=len, reverse=True)
    keys = sorted(owner, key=len, reverse=True)
    lemmas = sorted(axiomatic, key=len, reverse=True)
    for name, g in goals.items():
        bare = re.sub(r"^typed_(?:ref_|caveat_)?", "", name)
        g.update(function=None, axiomatic=None, property=bare, part="")
        if bare.startswith("lemma_"):
            key = next((k for k in lemmas
                        if bare == k or bare.startswith(k + "_")), None)
            if key:
                g.update(axiomatic=axiomatic[key] or None, property=key,
                         part=bare[len(key) + 1:])
            continue
        # the callee may be declared only (defined in another module)
        fn = next((fn for fn in functions
                   if re.match(r"%s_call_\w+_requires" % re.escape(fn), bare)), None)
        if fn:
            rest = bare[len(fn) + 1:]
            m = re.match(r"^(.*?)(?:_(part\d+))?$", rest)
            g.update(function=fn, property=m.group(1), part=m.group(2) or "")
            continue
        key = next((k for k in keys if bare == k or bare.startswith(k + "_")),
                   None)
        if key:
            fn = owner[key]
            label = key[len(fn) + 1:] if key.startswith(fn + "_") else key
            g.update(function=fn, property=label, part=bare[len(key) + 1:])


# Per-property roll-up of the goals: function, property, goals, proved.
def property_summary(goals):
    rows = {}
    for g in goals.values():
        if g["kind"] != "goal":
            continue
        key = (g.get("function") or "", g.get("axiomatic") or "", g["property"])
        row = rows.setdefault(key, {"function": key[0] or None,
                                    "axiomatic": key[1] or None,
                                    "property": key[2], "goals": 0, "proved": 0})
        row["goals"] += 1
        row["proved"] += g["status"] == "valid"
    out = sorted(rows.values(), key=lambda r: (r["function"] or "",
                                               r["axiomatic"] or "", r["property"]))
    for r in out:
        r["status"] = "proved" if r["proved"] == r["goals"] else "unproved"
    return out


# Lines of the annotations (/*@ ... */ and //@) in Frama-C's printed code,
# with their line numbers.
def annotation_lines(text):
    out = []
    inside = False
    for no, line in enumerate(text.splitlines(), 1):
        if inside:
            out.append((no, line))
            if "*/" in line:
                inside = False
            continue
        i = line.find("/*@")
        if i >= 0:
            out.append((no, line[i:]))
            inside = "*/" not in line[i + 3:]
            continue
        i = line.find("//@")
        if i >= 0:
            out.append((no, line[i:]))
    return out


# Problems in the printed code: admit/check clauses, axioms that the trusted
# base does not list, and function definitions without any contract
# (contracts: function_contracts(text), parsed once by the caller).
def audit_printed_code(text, contracts):
    problems = []
    trusted = ""
    tb = os.path.join(ROOT, TRUSTED_BASE)
    if os.path.exists(tb):
        with open(tb) as f:
            trusted = f.read()
    for no, line in annotation_lines(text):
        for m in re.finditer(r"(?<![\w.>$])(admit|check)\b(?!\s*\()", line):
            problems.append("%s clause (printed code line %d): %s"
                            % (m.group(1), no, line.strip()))
        for m in re.finditer(r"\baxiom\s+(\w+)\s*:", line):
            if not re.search(r"\b%s\b" % re.escape(m.group(1)), trusted):
                problems.append("axiom %s is not listed in %s"
                                % (m.group(1), TRUSTED_BASE))
    for name, contract in contracts:
        if contract is None:
            problems.append("function %s has no contract" % name)
    return problems


# (name, contract) for each function definition in Frama-C's printed code,
# in order; contract is the text of the /*@ ... */ right above the
# signature, None when there is none.
def function_contracts(text):
    out = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line != "{":
            continue
        # The signature: the lines above "{" up to a blank line or the end
        # of a contract, declaration or body (it may span several lines:
        # parameters, ghost parameters, an __attribute__ Frama-C breaks).
        j = i - 1
        while j >= 0 and lines[j].strip() and not lines[j].rstrip().endswith(("}", ";")) \
                and (not lines[j].rstrip().endswith("*/") or "/*@ ghost" in lines[j]):
            j -= 1
        sig = without_attributes(" ".join(lines[j + 1:i]))
        # "static T ( name)(args": name
        m = re.match(r"^[A-Za-z_][^;=]*?\b(\w+)\)?\(", sig)
        if not m:
            continue
        k = j
        while k >= 0 and lines[k].strip() == "":
            k -= 1
        if k < 0 or not lines[k].rstrip().endswith("*/"):
            out.append((m.group(1), None))
            continue
        start = k
        while start > 0 and "/*@" not in lines[start]:
            start -= 1
        out.append((m.group(1), "\n".join(lines[start:k + 1])))
    return out


# text without its __attribute__((...)) parts (balanced parentheses).
def without_attributes(text):
    out = ""
    while True:
        i = text.find("__attribute__")
        if i < 0:
            return out + text
        out += text[:i]
        j = text.find("(", i)
        depth = 0
        while j >= 0 and j < len(text):
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
            if depth == 0:
                break
        text = text[j:] if j >= 0 else ""


# The functions whose contract has no requires clause, of function_contracts'
# list: the smoke pass's second stage (frama_c_command).
def unguarded_functions(contracts):
    return [name for name, contract in contracts
            if contract is not None and not re.search(r"\brequires\b", contract)]


ERROR_RES = [
    re.compile(r"User Error"),
    re.compile(r"aborted"),
    re.compile(r"[Ii]nternal error"),
    re.compile(r"treated as (fatal|deferred) error"),
    re.compile(r"^\[[\w:-]+\] Failure"),
    re.compile(r"Prover .* not (found|installed)"),
]


# Frama-C error lines in the combined output, without duplicates.
def frama_c_errors(output):
    seen = []
    for line in output.splitlines():
        if any(r.search(line) for r in ERROR_RES) and line not in seen:
            seen.append(line.strip())
    return seen


# Frama-C warnings (message text after "Warning:", one per warning), except
# the "Failed smoke-test" ones, which the smoke-test results already count.
def frama_c_warnings(output):
    lines = output.splitlines()
    found = []
    for i, line in enumerate(lines):
        m = re.search(r"Warning:\s*(.*)$", line)
        if not m:
            continue
        text = m.group(1).strip()
        j = i + 1
        while not text and j < len(lines) and lines[j].startswith("  "):
            text = lines[j].strip()
            j += 1
        text = line.split("Warning:")[0].strip() + " " + text
        if "Failed smoke-test" not in text and text not in found:
            found.append(text)
    return found


# Warnings that make a proof meaningless and so fail the module.
FATAL_WARNINGS = re.compile(r"Calling undeclared function|Missing RTE guards")


# Messages for WP's "No 'assigns' specification for function 'f'" warnings
# (a function without contract has no assigns clause). They are turned into
# failures here rather than by "-wp-warn-key pedantic-assigns=error", which
# aborts Frama-C before the code audit can print its findings.
def missing_assigns(output):
    names = re.findall(r"No 'assigns' specification for function '(\w+)'",
                       output)
    return ["function %s has no assigns clause (no contract?)" % n
            for n in dict.fromkeys(names)]


# Drops the cached prover failures that took longer than a smoke test may
# (WP_SMOKE_LIMIT s): a goal that timed out once, on a loaded machine, is
# tried again on the next run instead of being replayed as failed forever.
# Smoke tests (whose failure is the expected answer, after SMOKE_STEPS, well
# within this limit) stay cached, so warm runs stay warm. The caller may rely on only
# "timeout"/"unknown" entries being removed.
WP_SMOKE_LIMIT = 3.0


def forget_goal_timeouts(cache):
    for name in os.listdir(cache):
        if not name.endswith(".json") or name == "settings.json":
            continue
        path = os.path.join(cache, name)
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            continue
        m = re.search(r'"verdict":\s*"(timeout|unknown)".*"time":\s*([0-9.]+)', text)
        if m and float(m.group(2)) > WP_SMOKE_LIMIT:
            os.remove(path)


# The argv that decides what a pass proves: cmd without the log and report
# paths (where output goes) and without every -wp-par (how many prover
# processes run at once). It keys both the WP cache directory and the replay.
def settings_argv(cmd):
    return without_option([a for a in cmd if not a.startswith(("a:", RESULTS_DIR))], "-wp-par")


# The WP cache directory for this module and these prover settings:
# proofs/session/<module>/cache-<hash of the command without log paths,
# -wp-par and the goal selection>. A cached "unknown" (z3 timeout) must not
# outlive a larger timeout, and two people proving with different settings
# must not keep wiping each other's cache, so each set of settings has its
# own directory (with the settings beside it, in settings.json). Which goals
# a run selects (-wp-fct, -wp-prop) is not a setting: WP keys each cache
# entry by the goal's own task, so a run restricted to some functions
# (PROVE_FUNCTIONS) reads the answers of the whole run. The
# caller may rely on the directory existing.
def cache_dir_for(module, cmd):
    kept = without_option(without_option(settings_argv(cmd), "-wp-fct"), "-wp-prop")
    settings = json.dumps({"settings_version": 3, "command": kept, "lean_filter": lean_digest()},
                          sort_keys=True)
    digest = hashlib.sha1(settings.encode()).hexdigest()[:12]
    path = os.path.join(SESSION_DIR, module, "cache-" + digest)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "settings.json"), "w") as f:
        f.write(settings + "\n")
    return path


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


# The prover timeout the command really uses: the last -wp-timeout given
# (proofs/wp-flags may override the driver's), in seconds.
def effective_timeout(cmd, default):
    value = last_option(cmd, "-wp-timeout")
    if value is None:
        value = default
    try:
        return int(value)
    except ValueError:
        return value


# Runs cmd in its own process group with all output captured; returns
# (exit status, output), or (None, output so far) after killing the whole
# group (Frama-C, why3server, provers) once max_seconds have passed.
# Several may run at once (PROVE_JOBS); kill_running stops them all.
PRINT_LOCK = threading.Lock()
RUNNING = set()
RUNNING_LOCK = threading.Lock()
STOPPING = threading.Event()


def run_bounded(cmd, max_seconds, env=None):
    with RUNNING_LOCK:
        if STOPPING.is_set():
            return None, "not started: the run is being stopped\n"
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True, errors="replace",
                                start_new_session=True, env=env)
        RUNNING.add(proc)
    try:
        out, _ = proc.communicate(timeout=max_seconds)
        return proc.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        return None, out
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    finally:
        with RUNNING_LOCK:
            RUNNING.discard(proc)


# User + system CPU seconds of every process this one has started and
# waited for, with theirs (Frama-C and the provers it waited for). The total
# line prints the run's share: on 2 cores, about twice its wall time means
# the run was CPU-bound, so only less CPU makes it faster.
def children_cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


# Kills every Frama-C process group still running and lets none start.
def kill_running():
    with RUNNING_LOCK:
        STOPPING.set()
        for proc in RUNNING:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass


# The outputs of one pass (see frama_c_command) of one module: log files
# <module>[.<pass>].{wp.log,kernel.log,wp-report.json,out}.
def pass_files(logdir, module, pass_name):
    base = module if pass_name == "goals" else module + "." + pass_name
    return {k: os.path.join(logdir, base + k)
            for k in (".wp.log", ".kernel.log", ".wp-report.json", ".out")}


# Whether Frama-C can load RUNTIME_SCRIPT (it compiles the script with ocamlfind
# and ocamlopt, Debian's ocaml-nox): asked once per run. Without it a pass
# gives the same verdicts, only slower; main() says so.
@functools.lru_cache(maxsize=None)
def runtime_script_loads():
    with tempfile.TemporaryDirectory(prefix="wp-runtime-") as tmp:
        try:
            p = subprocess.run(["frama-c", "-load-script", shutil.copy(RUNTIME_SCRIPT, tmp)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError:
            return False
    return p.returncode == 0


# cmd with RUNTIME_SCRIPT loaded, from a copy in tmp: Frama-C compiles a script
# beside itself, and modules proved side by side must not share those files.
def with_runtime_script(cmd, tmp):
    if not runtime_script_loads():
        return cmd
    return cmd[:1] + ["-load-script", shutil.copy(RUNTIME_SCRIPT, tmp)] + cmd[1:]


# The CPU split the runtime script wrote at Frama-C's exit (ISOLA_PROVE_CPU):
# {"frama_c": its own user + system seconds, "provers": those of the
# processes it waited for}, or None (script not loaded, Frama-C killed).
def read_cpu_split(path):
    try:
        own, provers = (float(x) for x in read(path).split())
    except (OSError, ValueError):
        return None
    return {"frama_c": round(own, 1), "provers": round(provers, 1)}


# The sum of the CPU splits of a module's passes, None unless every pass
# has one (a partial sum would pass for the whole).
def sum_cpu_splits(splits):
    if not splits or any(c is None for c in splits):
        return None
    return {k: round(sum(c[k] for c in splits), 1) for k in ("frama_c", "provers")}


# Runs one pass of one module; returns a dict with its command, seconds,
# returncode (None if killed), output, goals (parsed from its WP log) and
# WP's summary. Problems that make the pass meaningless are appended to
# problems.
def run_pass(src, module, pass_name, timeout, par, max_seconds, problems, unguarded=None):
    files = pass_files(RESULTS_DIR, module, pass_name)
    for p in files.values():
        if os.path.exists(p):
            os.remove(p)
    cmd = frama_c_command(src, module, timeout, par, RESULTS_DIR, pass_name, unguarded)
    # The goals and assigns passes share one cache (the goals pass's): a
    # prover's answer on a task does not depend on the pass, and one
    # directory holds every goal for tools/prove-gui.
    # The key is the goals pass's command in one stage (stages=False):
    # proofs/qed-by-function changes which tasks WP prints, never the
    # answer to a task, and the cache is keyed by the task itself.
    key = cmd if pass_name == "smoke" else \
        frama_c_command(src, module, timeout, par, RESULTS_DIR, "goals", stages=False)
    cache = cache_dir_for(module, key)
    forget_goal_timeouts(cache)
    # Before the first -then: WP opens its cache in the first stage and
    # keeps that directory for the later ones, so a -wp-cache-dir given
    # after -then was never used (until 2026-12-07 the smoke pass's stage
    # one wrote to WP's default, proofs/session/<module>/cache, whatever
    # its settings).
    first_then = cmd.index("-then") if "-then" in cmd else len(cmd)
    cmd[first_then:first_then] = ["-wp-cache-dir", cache]
    with PRINT_LOCK:
        print("  %s: %s pass (WP log: %s)" % (module, pass_name, files[".wp.log"]),
              flush=True)
    start = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="wp-runtime-") as tmp:
            cpu_file = os.path.join(tmp, "cpu")
            returncode, output = run_bounded(with_runtime_script(cmd, tmp), max_seconds,
                                             dict(os.environ, ISOLA_PROVE_CPU=cpu_file))
            cpu = read_cpu_split(cpu_file)
    except OSError as e:
        problems.append("cannot run frama-c: %s" % e)
        return None
    run = {"command": cmd, "seconds": round(time.monotonic() - start, 1),
           "returncode": returncode, "output": output, "cpu": cpu}
    if returncode is None:
        problems.append("Frama-C (%s pass) did not finish within %d s "
                        "(PROVE_MAX_SECONDS), killed" % (pass_name, max_seconds))
    elif returncode != 0:
        problems.append("frama-c (%s pass) exited with status %d"
                        % (pass_name, returncode))
    with open(files[".out"], "w") as f:
        f.write(output)
    log_lines = read(files[".wp.log"]).splitlines()
    run["goals"], summary = parse_wp_log(log_lines)
    hints = read_hints(module)
    name_script_provers(run["goals"], hints)
    run["slowest_s"], run["not_valid"] = prover_summary(log_lines)
    report = read_report(files[".wp-report.json"])
    attach_properties(run["goals"], report)
    run["stale_hints"] = stale_hints(run["goals"], hints, report)
    problems += frama_c_errors(output)
    if summary is None and not run["goals"] and \
            re.search(r"^\[wp\] [Ww]arning: No goal generated", output, re.M):
        # A pass restricted (make mutants: -wp-fct/-wp-prop) to properties
        # it does not prove (or that have no smoke test) generates nothing:
        # 0 of 0. An empty module is caught by prove_module.
        summary = (0, 0)
    if summary is None:
        problems.append("no '[wp] Proved goals' summary in the %s pass's WP log"
                        % pass_name)
    elif summary[1] != len(run["goals"]):
        problems.append("WP scheduled %d goals but the %s pass's log names %d"
                        % (summary[1], pass_name, len(run["goals"])))
    run["summary"] = summary
    return run


# WP's closing per-prover lines of a pass ("  CVC4 1.8:  203  (40ms-295ms-3.1s)
# ...", "  CVC4 1.8 (fmf): ...", "  CVC5 1.0.3: ...", "  Z3 4.8.12:  0
# (interrupted: 1)"), every SMT prover the passes name, read once for two
# figures (until 2026-12-06 cvc5's line was skipped, so a run whose slowest
# answer was cvc5's 12.4 s printed 5.2 s):
# - the longest time any SMT prover took on one goal: the last time of the
#   first range, None when no prover ran. The goal lines of hinted goals
#   carry no time, so this is how a run shows its margin to the timeout;
# - how many SMT prover answers were not Valid. In a pass where every SMT
#   goal had a hint, a green run has none: each is a hinted prover that
#   failed before another one proved the goal (a stale hint, which cost up
#   to a timeout). Raced goals also leave some (the provers that lost).
PROVER_LINE_RE = re.compile(r"^\s*(?:Z3|CVC4|CVC5)\b[^:]*:\s+\d+(.*)$")
NOT_VALID_RE = re.compile(r"\b(?:unknown|timeout|interrupted|failed|stepout|invalid):\s*(\d+)")


def prover_summary(lines):
    times = []
    not_valid = 0
    for line in lines:
        m = PROVER_LINE_RE.match(line)
        if not m:
            continue
        r = re.match(r"^\s+\(([^()]*)\)", m.group(1))
        t = parse_time(r.group(1).split("-")[-1]) if r else None
        if t is not None:
            times.append(t)
        not_valid += sum(int(k) for k in NOT_VALID_RE.findall(m.group(1)))
    return (max(times) if times else None), not_valid


# The hinted goals whose hinted prover answered something else than Valid in
# this pass (a stale hint: another prover then proved the goal, after up to a
# timeout). WP's log does not say which goal of a scripted answer failed, but
# its -wp-report-json counts answers per property and prover: a property
# where a prover has a non-Valid answer names its goals hinted with that
# prover as suspects (sorted). A property of several parts names all of its
# parts with that hint; one of them is stale. Raced goals have no hint, so
# the provers that lost a race are not counted.
REPORT_PROVERS = {"Z3": "z3", "CVC4": "cvc4", "CVC5": "cvc5", "CVC4:fmf": "cvc4-fmf",
                  "Z3:lean": "z3-lean", "CVC4:lean": "cvc4-lean", "CVC5:lean": "cvc5-lean"}


def stale_hints(goals, hints, report):
    failed = set()  # (property key, hint prover)
    for entries in list((report.get("wp:functions") or {}).values()) + \
            list((report.get("wp:axiomatics") or {}).values()):
        for key, provers in entries.items():
            if key == "wp:section" or not isinstance(provers, dict):
                continue
            for name, counts in provers.items():
                words = name.split(":")
                prover = REPORT_PROVERS.get(":".join(words[:1] + words[2:]))
                if prover and isinstance(counts, dict) and \
                        counts.get("total", 0) > counts.get("valid", 0):
                    failed.add((key, prover))
    def key(g):
        return "%s_%s" % (g["function"], g["property"]) if g.get("function") \
            else g.get("property")
    return sorted(n for n, g in goals.items()
                  if n in hints and (key(g), hints[n]) in failed)


# WP logs a goal proved through its script as "[Script] Goal ...: Valid",
# without the prover: it is named here after the hint, "z3 (hint)". (Had the
# hinted prover failed and another one proved the goal, the log would look
# the same: `make prove-hints` races every prover again.)
def name_script_provers(goals, hints):
    for name, g in goals.items():
        if g.get("prover") == "Script" and name in hints:
            g["prover"] = "%s (hint)" % hints[name]
            for a in g["attempts"]:
                if a["prover"] == "Script":
                    a["prover"] = g["prover"]


# Proves one module; returns its result dict (also written as JSON). The
# goals come from the goals pass and the smoke tests from the smoke pass;
# the code audit reads the goals pass's printed code.
def prove_module(src, module, timeout, par, max_seconds):
    logdir = RESULTS_DIR
    os.makedirs(logdir, exist_ok=True)
    os.makedirs(SESSION_DIR, exist_ok=True)
    printed_path = os.path.join(logdir, module + ".printed.c")
    if os.path.exists(printed_path):
        os.remove(printed_path)
    result = {"module": module, "source": src, "status": "fail",
              "proved": 0, "total": 0, "smoke_passed": 0, "smoke_total": 0,
              "seconds": 0.0, "timeout": timeout, "provers": GOALS_PROVERS,
              "assigns_provers": ASSIGNS_PROVERS,
              "smoke_prover": SMOKE_PROVER, "smoke_timeout": SMOKE_TIMEOUT,
              "smoke_steps": SMOKE_STEPS,
              "problems": [], "goals": [],
              "functions": selected_functions(wp_flags(src))}
    selected = result["functions"]   # None: the whole module
    problems = result["problems"]
    if not os.path.isfile(src):
        problems.append("source file %s is missing" % src)
        return result
    hints = read_hints(module)
    write_scripts(module, hints)
    goals_run = run_pass(src, module, "goals", timeout, par, max_seconds, problems)
    if goals_run is None:
        return result
    result["command"] = goals_run["command"]
    result["timeout"] = effective_timeout(goals_run["command"], timeout)
    output = goals_run["output"]
    problems += missing_assigns(output)
    result["warnings"] = frama_c_warnings(output)
    problems += ["warning: " + w for w in result["warnings"]
                 if FATAL_WARNINGS.search(w)]
    printed = read(printed_path)
    contracts = function_contracts(printed) if printed else None
    unguarded = unguarded_functions(contracts) if printed else None
    if printed:
        problems += audit_printed_code(printed, contracts)
    elif not problems:
        problems.append("Frama-C printed no code (parse error?)")
    goals = {n: g for n, g in goals_run["goals"].items() if g["kind"] == "goal"}
    runs = {"goals": goals_run}
    previous = goals_run
    for pass_name in PASSES[1:]:
        if previous["returncode"] is None:
            break  # the pass before was killed: the module is out of time
        if pass_name == "lemmas" and (selected is not None or not (
                lemma_pass_needed(src) and lemmas_to_prove(src, module))):
            continue  # the goals pass proved them, or there is none to prove (or -wp-fct)
        run = run_pass(src, module, pass_name, timeout, par, max_seconds, problems, unguarded)
        if run is None:
            break
        if pass_name == "smoke" and printed:
            problems += untested_functions(contracts, unguarded, run["goals"], selected)
        runs[pass_name] = run
        previous = run
        result[pass_name + "_command"] = run["command"]
        # the lemmas and assigns passes add goals; the smoke pass only smoke tests
        kind = "smoke" if pass_name == "smoke" else "goal"
        goals.update((n, g) for n, g in run["goals"].items() if g["kind"] == kind)
    result["seconds"] = round(sum(r["seconds"] for r in runs.values()), 1)
    result["pass_seconds"] = {p: runs[p]["seconds"] if p in runs else None
                              for p in PASSES}
    result["pass_cpu_s"] = {p: runs[p]["cpu"] for p in PASSES if p in runs}
    result["cpu_s"] = sum_cpu_splits([r["cpu"] for r in runs.values()])
    real = [g for g in goals.values() if g["kind"] == "goal"]
    smoke = [g for g in goals.values() if g["kind"] == "smoke"]
    result["total"] = len(real)
    result["proved"] = sum(1 for g in real if g["status"] == "valid")
    result["smoke_total"] = len(smoke)
    result["smoke_passed"] = sum(1 for g in smoke if g["status"] == "passed")
    for name, g in sorted(goals.items()):
        if g["kind"] == "goal" and g["status"] != "valid":
            tried = ", ".join("%s %s" % (a["prover"], a["verdict"])
                              for a in g["attempts"]) or "no prover result"
            problems.append("unproved goal %s (%s)" % (name, tried))
        if g["kind"] == "smoke" and g["status"] != "passed":
            problems.append("smoke test %s was proved: dead code or "
                            "inconsistent assumptions" % name)
    answers = [runs[p]["slowest_s"] for p in ("goals", "lemmas", "assigns")
               if p in runs and runs[p]["slowest_s"] is not None]
    result["slowest_answer_s"] = max(answers) if answers else None
    summaries = [runs[p]["summary"] for p in ("goals", "lemmas", "assigns") if p in runs]
    if summaries and None not in summaries:
        result["wp_summary"] = {"proved": sum(x[0] for x in summaries),
                                "total": sum(x[1] for x in summaries)}
    if not real:
        problems.append("no proof goals at all")
    result["properties"] = property_summary(goals)
    # Goals an SMT prover proved without a hint: raced (see read_hints).
    result["hints"] = None if not hints else {
        "hinted": sum(1 for g in real if "(hint)" in (g.get("prover") or "")),
        "raced": sum(1 for n, g in goals.items()
                     if g["kind"] == "goal" and n not in hints and hint_of(g.get("prover"))),
        "not_valid": sum(runs[p].get("not_valid", 0) for p in ("goals", "lemmas", "assigns")
                         if p in runs),
        "stale": sorted(g for p in ("goals", "lemmas", "assigns") if p in runs
                        for g in runs[p].get("stale_hints", []))}
    result["goals"] = [dict(goal=name, **g) for name, g in sorted(goals.items())]
    result["status"] = "pass" if not problems else "fail"
    return result


# The smoke pass's first stage tests the functions with a precondition
# without selecting any of their goals (frama_c_command), which holds as
# long as WP makes a "default_requires" smoke test for each of them; if a
# WP version did not, their smoke tests would be lost without a word. So:
# a problem for each such function (among those -wp-fct selects) without one.
def untested_functions(contracts, unguarded, smoke_goals, selected=None):
    return ["function %s has a requires clause but no smoke test of it "
            "(typed_%s_wp_smoke_default_requires): the smoke pass missed it" % (f, f)
            for f, contract in contracts
            if contract is not None and f not in unguarded
            and (selected is None or f in selected)
            and "typed_%s_wp_smoke_default_requires" % f not in smoke_goals]


# Replay, the warm path: a module whose inputs are byte for byte those of its
# last passing proof is not proved again; that proof's result is replayed.
# The inputs (replay_keys): the preprocessed source with every header and
# spec it includes (gcc -E -C, so ACSL comments count), the argv of the
# passes (flags, timeouts, proofs/wp-flags; not -wp-par or log paths),
# the versions of Frama-C, Why3, z3, cvc4 and cvc5, this driver's own text and
# docs/trusted-base.md (the axiom audit reads it). Only a passing result is
# stored, in proofs/session/<module>/replay.json; a failure always runs
# again. PROVE_REPLAY=0 (or make prove-clean) proves from scratch; a clean
# checkout, as in CI, has nothing to replay.
# What Frama-C, Why3, z3, cvc4 and cvc5 say their versions are: asked once per run
# (replay_keys needs them twice per module).
@functools.lru_cache(maxsize=None)
def tool_versions():
    out = b""
    for tool in (["frama-c", "-version"], ["why3", "--version"],
                 ["z3", "--version"], ["cvc4", "--version"], ["cvc5", "--version"]):
        try:
            out += subprocess.run(tool, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
        except OSError:
            out += b"missing " + tool[0].encode()
    return out + b"smt_lean.c " + lean_digest().encode()


# The lean filter's source digest: part of every cache directory's and
# replay key's settings, since the filter decides what a lean prover reads.
@functools.lru_cache(maxsize=None)
def lean_digest():
    return hashlib.sha256(read(LEAN_SOURCE).encode()).hexdigest()


# src after the C preprocessor, with the ACSL comments kept (bytes), or None
# if gcc fails. Cached for the run: the lemma plan, the flags and the replay
# keys share it (replay_keys(fresh=True) bypasses it).
@functools.lru_cache(maxsize=None)
def preprocessed(src, lemma_goals=False):
    defines = ["-D" + LEMMA_GOALS_MACRO] if lemma_goals else []
    try:
        pre = subprocess.run(["gcc", "-E", "-C"] + CPP_ARGS + defines + [src],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return None
    return pre.stdout if pre.returncode == 0 else None


# The replay key of src ("key": a hash of the inputs above) and, for a
# replay by function (prove_or_replay), the same key taken over the source
# with every function body and
# declaration left out ("context"), a hash of each body ("bodies") and of
# each function's declarations, its contract and signature ("declarations"),
# and the identifiers each body names ("names"); those four
# are None when the source does not split cleanly (split_functions). None
# if the preprocessor fails. fresh: run the preprocessor again instead of
# reusing this run's output (the check after a proof must see an input
# edited during it).
def replay_keys(src, module, timeout, par, fresh=False):
    preprocess = preprocessed.__wrapped__ if fresh else preprocessed
    pre = preprocess(src)
    pre_lemmas = preprocess(src, lemma_goals=True)
    if pre is None or pre_lemmas is None:
        return None
    rest = hashlib.sha256()
    for pass_name in PASSES:
        cmd = frama_c_command(src, module, timeout, par, RESULTS_DIR, pass_name)
        rest.update(json.dumps(settings_argv(cmd)).encode())
    rest.update(tool_versions())
    for path in (os.path.abspath(__file__), TRUSTED_BASE):
        rest.update(read(path).encode())
    h = hashlib.sha256(pre)
    h.update(pre_lemmas)
    h.update(rest.digest())
    keys = {"key": h.hexdigest(), "context": None, "bodies": None, "declarations": None,
            "names": None}
    split = split_functions(pre.decode("latin-1"))
    split_lemmas = split_functions(pre_lemmas.decode("latin-1"))
    if split is None or split_lemmas is None or set(split[1]) != set(split_lemmas[1]) \
            or set(split[2]) != set(split_lemmas[2]):
        return keys
    c = hashlib.sha256(split[0].encode("latin-1"))
    c.update(b"\0" + split_lemmas[0].encode("latin-1"))
    c.update(rest.digest())
    keys["context"] = c.hexdigest()
    for part, k in ((1, "bodies"), (2, "declarations")):
        keys[k] = {f: hashlib.sha256((split[part][f] + "\0" + split_lemmas[part][f])
                                     .encode("latin-1")).hexdigest()
                   for f in split[part]}
    # the identifiers each body names (a call, or anything else), for the
    # callers of a function whose declaration changed
    keys["names"] = {f: sorted(set(IDENT_RE.findall(split[1][f] + split_lemmas[1][f])))
                     for f in split[1]}
    return keys


# C text after the preprocessor split into the parts a replay by function
# compares: (context, bodies, declarations), where bodies maps each function
# defined to its body (the braces after a `)` at file scope, with what they
# hold), declarations maps each function declared to the text of its
# declarations ("\0"-joined): each from its first token to its `;` or its
# body, with its contract in front when it has one (the one ACSL comment
# right before it, if its first word is a contract clause's), and context is
# the rest of the text (normalized_context), each run of function bodies
# and declarations replaced by one mark. Line markers (`# 12 "file"`) are left out of
# all three: they say where a line came from, and an edit in one function
# moves the lines of the others. Whatever is not recognised stays in the
# context: a global annotation (predicate, lemma, ...), a contract with
# another annotation right before it or inside its declaration (ghost
# parameters), a doc comment, anything that only looks like a function
# declaration (declared_name). None when
# the text does not split cleanly (unbalanced braces, an unterminated
# comment or literal, a body whose function has no name, a name defined
# twice): the caller then proves the whole module.
# What replay by function rests on: WP proves a function from its own body
# and declaration, the declarations (contract, signature) of the functions
# its body names, and the file's other declarations and logic, which are
# all in the context; no other function's body.
IDENT_RE = re.compile(r"[A-Za-z_]\w*")
LINE_MARKER_RE = re.compile(r"#\s*(?:\d+|line)\b")
NOT_A_NAME = {"if", "while", "for", "switch", "return", "sizeof", "do", "else",
              "__attribute__", "__attribute", "asm", "__asm", "__asm__",
              "_Static_assert", "typeof", "__typeof__", "_Alignas", "__extension__"}
CONTRACT_WORD_RE = re.compile(r"(?:/\*@|//@)(?:\s|//[^\n]*\n)*(?:requires|ensures|assigns|behavior|terminates|"
                              r"decreases|allocates|frees|exits|complete|disjoint)\b")


def split_functions(text):
    spans = scan_functions(text)
    if spans is None:
        return None
    markers, parts = spans
    context, bodies, decls, at = [], {}, {}, 0
    for start, end, kind, name in sorted(parts):
        context.append(cut_markers(text, at, start, markers))
        piece = cut_markers(text, start, end, markers)
        if kind == "body":
            if name in bodies:
                return None
            bodies[name] = piece
        else:
            decls[name] = decls[name] + "\0" + piece if name in decls else piece
        context.append(FUNCTION_MARK)
        at = end
    context.append(cut_markers(text, at, len(text), markers))
    # a run of functions between the same two other declarations is one mark:
    # a function added next to others leaves the context as it was
    return re.sub(r"%s(?:\s*%s)*" % (FUNCTION_MARK, FUNCTION_MARK), FUNCTION_MARK,
                  normalized_context("".join(context))), bodies, decls


FUNCTION_MARK = "\0function\0"


# C text with its plain comments left out and each run of white space made
# one space (one newline if it holds one), outside string and character
# literals and ACSL annotations, which are kept as they are: Frama-C reads
# no plain comment, and C no run of white space, so two texts equal after
# this mean the same. So a helper added between two functions, or a doc
# comment edited, leaves the context as it was.
CONTEXT_TOKEN_RE = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*@.*?\*/|//@[^\n]*'
                              r'|(?P<comment>/\*.*?\*/|//[^\n]*)|(?P<space>\s+)', re.S)


def normalized_context(text):
    out, gap = [], None    # gap: the white space pending since the last token
    at = 0
    for m in CONTEXT_TOKEN_RE.finditer(text):
        if m.start() > at:  # text no pattern matched: C tokens
            out.append(gap or "")
            out.append(text[at:m.start()])
            gap = None
        if m.group("comment") is not None or m.group("space") is not None:
            newline = "\n" in m.group(0) and m.group("space") is not None
            gap = "\n" if newline or gap == "\n" else " "
        else:
            out.append(gap or "")
            out.append(m.group(0))
            gap = None
        at = m.end()
    out.append(gap or "")
    out.append(text[at:])
    return "".join(out)


# text[a:b] without the line markers (spans) that lie in it.
def cut_markers(text, a, b, markers):
    out, at = [], a
    for x, y in markers:
        if a <= x and y <= b:
            out.append(text[at:x])
            at = y
    out.append(text[at:b])
    return "".join(out)


# The spans split_functions cuts: (line markers [(start, end)], parts
# [(start, end, "body" or "declaration", function name)]), or None.
def scan_functions(text):
    markers, parts = [], []
    toks = []              # file-scope tokens of the declaration being read
    contract = None        # (start, end) of the annotation before it, or False
    first = None           # where its first token starts
    depth, i, n, line_start, body = 0, 0, len(text), True, None
    while i < n:
        c = text[i]
        if line_start and c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j + 1
            if LINE_MARKER_RE.match(text, i):
                markers.append((i, j))
            i = j
            continue
        line_start = c == "\n"
        if c.isspace():
            i += 1
            continue
        if text.startswith("/*", i) or text.startswith("//", i):
            j = text.find("*/", i + 2) + 2 if text[i + 1] == "*" else text.find("\n", i)
            if text[i + 1] == "*" and j < 2:
                return None
            j = n if j < 0 else j
            if depth == 0 and text.startswith("@", i + 2):
                # an annotation: the contract of the declaration it starts,
                # unless a token or another annotation came first
                contract = (i, j) if not toks and contract is None else False
            i = j
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            if j >= n or text[j] != c:
                return None
            first = i if not toks else first
            i = j + 1
            toks.append("literal")
            continue
        m = IDENT_RE.match(text, i)
        if m:
            first = i if not toks else first
            toks.append(m.group())
            i = m.end()
            continue
        if depth == 0 and c in ";{":
            declarator = bool(toks) and toks[-1] == ")"
            name = declared_name(toks) if declarator else None
            if c == "{" and declarator:
                if name is None:
                    return None
                body = (i, name)
            if name:
                # the declaration (up to its body or its ;), with its contract
                # if it has one
                start = contract[0] if contract and CONTRACT_WORD_RE.match(text, contract[0]) \
                    else first
                parts.append((start, i if c == "{" else i + 1, "declaration", name))
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0 and body is not None:
                parts.append((body[0], i + 1, "body", body[1]))
                body = None
        if depth == 0 and c in ";{}" or depth == 1 and c == "{":
            toks, contract = [], None
        elif depth == 0:
            first = i if not toks else first
            toks.append(c)
        i += 1
    if depth != 0:
        return None
    return markers, parts


# The function a declaration ending in `)` declares: the identifier before
# the parenthesis that `)` closes, or None. None also for what only looks
# like one: a typedef, or a declaration with `=` or `,` outside parentheses
# (an initializer such as `int x = __builtin_offsetof(...)`, or `int x,
# f(void)`), whose text other functions may depend on without naming it.
def declared_name(toks):
    depth, outer = 0, set()
    for t in toks:
        depth += {"(": 1, ")": -1}.get(t, 0)
        if depth == 0:
            outer.add(t)
    if "typedef" in toks or "=" in outer or "," in outer:
        return None
    depth = 0
    for k in range(len(toks) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(toks[k], 0)
        if depth == 0:
            if k > 0 and IDENT_RE.fullmatch(toks[k - 1]) and toks[k - 1] not in NOT_A_NAME:
                return toks[k - 1]
            return None
    return None


def replay_path(module):
    return os.path.join(SESSION_DIR, module, "replay.json")


# The stored passing result for key, marked as replayed, or None.
def load_replay(module, key, started):
    saved = read_replay(module)
    r = saved.get("result")
    if saved.get("key") != key or not r or r.get("status") != "pass":
        return None
    r["replayed"] = {"date": saved.get("date"), "seconds": r.get("seconds")}
    r["seconds"] = round(time.monotonic() - started, 1)
    return r


# What replay.json holds ({} if nothing readable).
def read_replay(module):
    try:
        with open(replay_path(module)) as f:
            saved = json.load(f)
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def save_replay(module, keys, result):
    os.makedirs(os.path.dirname(replay_path(module)), exist_ok=True)
    with open(replay_path(module), "w") as f:
        json.dump({"key": keys["key"], "context": keys["context"], "bodies": keys["bodies"],
                   "declarations": keys["declarations"],
                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   "result": result}, f)


# Replay by function: when a module's last passing proof had the same
# context (replay_keys: everything but the functions' bodies and
# declarations, so every other declaration, spec, flag and tool), only some
# functions need proving again: those whose body or declaration (contract,
# signature) changed, or that are new, and those whose body names a
# function whose declaration changed (its callers; a name in a comment
# counts too). Every other function's goals
# and smoke tests, and the lemmas, are those of that proof. Returns
# ({function to prove: why}, stored record), or None when the whole module must
# be proved: no stored passing whole-module proof, another context, a
# stored goal whose function is unknown, or every function to prove.
def replay_by_function_plan(module, keys):
    saved = read_replay(module)
    r = saved.get("result")
    if not keys or not keys["context"] or saved.get("context") != keys["context"] or \
            not r or r.get("status") != "pass" or r.get("functions") or \
            not isinstance(saved.get("bodies"), dict) or \
            not isinstance(saved.get("declarations"), dict):
        return None
    if any(g.get("function") is None and not g["goal"].startswith("typed_lemma_")
           for g in r.get("goals", [])):
        return None
    bodies, decls = keys["bodies"], keys["declarations"]
    new_decl = {f for f in set(decls) | set(saved["declarations"])
                if saved["declarations"].get(f) != decls.get(f)}
    why = {}
    for f, h in bodies.items():
        reasons = ["new"] if f not in saved["bodies"] else \
            (["body"] if saved["bodies"][f] != h else []) + \
            (["declaration"] if f in new_decl else []) + \
            ["names " + g for g in sorted(new_decl.intersection(keys["names"][f]) - {f})]
        if reasons:
            why[f] = reasons
    if len(why) == len(bodies):
        return None
    return why, saved


# The whole module's result from a run restricted to the functions of why
# ({name: why it was proved again}; partial, None if it is empty) and the
# stored passing proof: the goals and smoke tests of
# every other function that still exists, and the lemmas, come from the
# stored proof; the counts, problems and verdict are taken again over all.
# Times, CPU and the commands are this run's.
def merge_by_function(partial, saved, why, functions):
    stored = saved["result"]
    if partial is None:   # nothing to prove: the stored result, as of now
        partial = dict(stored, goals=[], seconds=0.0, cpu_s=None, pass_seconds=None,
                       pass_cpu_s=None, slowest_answer_s=None)
        partial.pop("replayed", None)
    kept = [g for g in stored["goals"]
            if g.get("function") in functions and g["function"] not in why
            or g.get("function") is None and g["goal"].startswith("typed_lemma_")]
    goals = {(g.get("function"), g["goal"]): g for g in kept}
    goals.update(((g.get("function"), g["goal"]), g) for g in partial["goals"])
    r = dict(partial)
    real = [g for g in goals.values() if g["kind"] == "goal"]
    smoke = [g for g in goals.values() if g["kind"] == "smoke"]
    r.update(functions=None, total=len(real),
             proved=sum(1 for g in real if g["status"] == "valid"),
             smoke_total=len(smoke),
             smoke_passed=sum(1 for g in smoke if g["status"] == "passed"),
             goals=sorted(goals.values(), key=lambda g: (g["goal"], g.get("function") or "")),
             properties=property_summary(goals),
             by_function={"why": why,
                          "replayed": len({g["function"] for g in kept if g.get("function")}),
                          "date": saved.get("date")})
    r["wp_summary"] = {"proved": r["proved"], "total": r["total"]}
    if r.get("hints"):
        r["hints"] = dict(r["hints"], hinted=sum(1 for g in real
                                                  if "(hint)" in (g.get("prover") or "")))
    if not real:
        r["problems"] = r["problems"] + ["no proof goals at all"]
    r["status"] = "pass" if not r["problems"] else "fail"
    return r


def write_json(result):
    path = os.path.join(RESULTS_DIR, result["module"] + ".json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1, sort_keys=False)
        f.write("\n")


def cpu_text(seconds):
    return "%.1f" % seconds if seconds < 10 else "%.0f" % seconds


def report_line(r):
    word = "PASS" if r["status"] == "pass" else "FAIL"
    only = "; only %s" % ", ".join(r["functions"]) if r.get("functions") else ""
    cpu = r.get("cpu_s") if not r.get("replayed") else None
    split = "; CPU %s s Frama-C + %s s provers" % (cpu_text(cpu["frama_c"]), cpu_text(cpu["provers"])) \
        if cpu else ""
    return "%s: prove %s (%d/%d goals, %d/%d smoke, %.1f s%s%s)" % (
        word, r["module"], r["proved"], r["total"], r["smoke_passed"],
        r["smoke_total"], r["seconds"], split, only)


# Sources to prove, in PROVEN_SRCS order, restricted by PROVE_MODULES. An
# unknown name in PROVE_MODULES is returned as an error, never ignored.
def select(srcs, wanted):
    mods = [(s, os.path.splitext(os.path.basename(s))[0]) for s in srcs]
    if not wanted:
        return mods, []
    names = wanted.replace(",", " ").split()
    known = {m for _, m in mods} | {s for s, _ in mods}
    unknown = [n for n in names if n not in known]
    return [(s, m) for s, m in mods if m in names or s in names], unknown


# Makes sure Why3 knows z3 and cvc4 (runs `why3 config detect` once if not).
def ensure_why3_provers():
    try:
        out = subprocess.run(["why3", "config", "list-provers"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             universal_newlines=True).stdout
    except OSError:
        return
    if "Z3" not in out or "CVC4" not in out:
        subprocess.run(["why3", "config", "detect"], stdout=subprocess.DEVNULL)


# Without cvc5 in the Why3 configuration WP will use (no cvc5 binary, on a
# machine where `make deps` has not run since cvc5 joined the provers, or no
# configuration of our own: see local_why3_config), the passes list z3 and
# cvc4 only and the hints that name cvc5 are skipped, so those goals are
# raced (and the note about goals without a hint names them): every goal is
# still proved by the others' verdicts or fails as always, only slower.
def without_cvc5(why):
    global GOALS_PROVERS, ASSIGNS_PROVERS, HINT_PROVERS
    GOALS_PROVERS = GOALS_PROVERS.replace(",cvc5", "")
    ASSIGNS_PROVERS = ASSIGNS_PROVERS.replace(",cvc5", "")
    HINT_PROVERS = tuple(p for p in HINT_PROVERS if p not in ("cvc5", "cvc5-lean"))
    print("  note: %s: its goals go to z3 and cvc4, which makes a cold proof slower"
          % why, flush=True)


# Whether a Why3 configuration text (or one prover section of it) names a
# prover with this shortcut.
def has_shortcut(text, shortcut):
    return re.search(r'^shortcut = "%s"$' % re.escape(shortcut), text, re.M) is not None


# The Why3 configuration WP is to read: the local one (local_why3_config), and
# the provers cut to what it has. The caller may rely on: the passes name
# only provers WP can find (without cvc5 there, without_cvc5 with the reason:
# the local configuration lacks it only when there is no cvc5 binary). Used
# by main and by tools/prove-gui, so both name the same provers and share the
# cache. Returns the configuration's path, or None (Why3 then reads
# $WHY3CONFIG or ~/.why3.conf).
def why3_setup():
    conf = local_why3_config()
    path = conf or os.environ.get("WHY3CONFIG") or os.path.expanduser("~/.why3.conf")
    if not has_shortcut(read(path), "cvc5"):
        without_cvc5("cvc5 is not installed (`make deps` installs it)" if conf
                     else "Why3's configuration has no cvc5 prover (proofs/.why3/why3.conf "
                     "could not be written: does `why3 config show` work?)")
    if not has_shortcut(read(path), "z3-lean"):
        without_lean("proofs/smt_lean.c could not be compiled (is gcc installed? `make deps`)"
                     if conf else "Why3's configuration has no lean prover (proofs/.why3/why3.conf "
                     "could not be written)")
    return conf


# A project-local Why3 configuration (proofs/.why3/why3.conf, or outdir's,
# generated with its drivers; the path is returned, or None if Why3 could
# not print its configuration).
# Why it exists: Debian's Why3 1.5 runs z3 4.8.12 with -T:<t>, on which z3
# prints "timeout", a word the z3_471 driver does not know; Why3 then reports
# "Unknown error" (a failure). The local z3 driver is the system one
# (driver_inlined) plus `unknown "^timeout$" "timeout"`: it changes no
# "valid" verdict. cvc4's local driver is the system one (driver_inlined).
# Why unknown and not timeout: WP re-runs a cached timeout whose measured CPU
# time is below the limit, which on a loaded machine is most of them (smoke
# tests above all), so warm runs were not warm. A cached unknown is replayed;
# the driver drops a module's cache when the timeout or flags change.
# A second cvc4 prover, "cvc4-fmf" (Why3 alternative "fmf"), derived from the
# cvc4 section: the same binary, driver and limits, plus --finite-model-find
# (model-based quantifier instantiation). It closes the assigns goals whose
# region inclusion Qed leaves as an existential over pure arithmetic (a
# callee's region inside a caller's ranged assigns: `exists i. a <= i <= a &&
# 0 <= i <= 65535`), which z3 and plain cvc4 cannot instantiate in a large
# context (no trigger). An unsat answer is as sound as any cvc4 answer: the
# option only changes which instances cvc4 tries.
def cvc4_fmf_section(cvc4_section):
    sec = re.sub(r'^(command(?:_steps)? = "\S*cvc4 .*?) %f"$', r'\1 --finite-model-find %f"',
                 cvc4_section, flags=re.M)
    return alternative_section(sec, "fmf")


# The theories the local drivers leave out (driver_inlined): Why3's
# bit-vector, floating-point and string libraries. No task of ours uses
# them (WP writes integers, reals, booleans and arrays as int, real, bool
# and map, and its memory model in theories of its own), so a task prints
# the same, byte for byte, without their driver entries; the WP cache,
# keyed by the printed task, finds every answer it held
# (proofs/README.md, "Lean drivers"; the prove-selftest case
# `driver-same-tasks`). Why3 reads every library a driver names each time
# WP makes a Why3 environment, which WP 25 does for each function it
# proves, and loads the driver again for each task: bv.mlw and
# ieee_float.mlw (one clone per width) were most of that, 7.8 % of
# vmspace's goals pass with every answer cached, against 0.6 % without them.
DRIVER_SKIPPED_THEORIES = ("bv.", "ieee_float.", "string.")


# text without its (* comments *), which nest; "(*)" (the multiplication
# symbol) and strings are kept as they are. Line breaks inside a comment
# are kept, so lines stay lines.
def driver_uncommented(text):
    out, i, depth, n = [], 0, 0, len(text)
    while i < n:
        if depth == 0 and text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif depth == 0 and text.startswith("(*)", i):
            out.append("(*)")
            i += 3
        elif text.startswith("(*", i):
            depth, i = depth + 1, i + 2
        elif depth and text.startswith("*)", i):
            depth, i = depth - 1, i + 2
        else:
            if depth == 0 or text[i] == "\n":
                out.append(text[i])
            i += 1
    return "".join(out)


# The Why3 driver at path as one text: each `import "f"` replaced by f's
# text (f beside the importing file, as Why3 finds it), recursively, in
# place, so every entry keeps its order; and each `theory <name> ... end`
# block of a theory in DRIVER_SKIPPED_THEORIES left out. Comments and blank
# lines go. The caller may rely on: a task that uses none of the skipped
# theories prints the same with this driver as with the one at path. A
# file that cannot be read is left as `import "path"`, which Why3 reads
# whole (or reports missing) as before.
def driver_inlined(path):
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return 'import "%s"' % path
    lines, skipping = [], False
    for line in driver_uncommented(text).split("\n"):
        words = line.split()
        if not skipping and len(words) == 2 and words[0] == "import":
            lines.append(driver_inlined(os.path.join(os.path.dirname(path),
                                                     words[1].strip('"'))))
        elif len(words) == 2 and words[0] == "theory":
            skipping = words[1].startswith(DRIVER_SKIPPED_THEORIES)
            if not skipping:
                lines.append(line)
        elif skipping:
            skipping = words != ["end"]
        elif words:
            lines.append(line)
    return "\n".join(lines)


# A prover section made a Why3 alternative of its prover: alternative
# `alternative` (replacing any it had) and shortcut "<shortcut>-<alternative>".
def alternative_section(section, alternative):
    sec = re.sub(r'^shortcut = "([^"]*)"$', r'shortcut = "\1-%s"' % alternative, section, flags=re.M)
    sec = re.sub(r'^alternative = "[^"]*"\n', '', sec, flags=re.M)
    return sec.replace("prover]\n", 'prover]\nalternative = "%s"\n' % alternative, 1)


# cvc5 (Debian's cvc5 1.0), which Why3 1.5 does not know: a prover section
# of our own (shortcut "cvc5") with a driver that is Why3's cvc4 1.7 driver
# but for the logic line, since cvc5 rejects "(set-logic ALL_SUPPORTED)" and
# takes "ALL". Same input language, same answers read the same way ("unsat"
# is Valid; "cvc5 interrupted by timeout." matches the driver's timeout
# pattern). None if cvc5 is not installed: goals hinted cvc5 then go to the
# other provers, and `make prove` says cvc5 is missing (without_cvc5).
def cvc5_section(drivers, outdir):
    exe = shutil.which("cvc5")
    if not exe:
        return None
    m = re.search(rb"cvc5 version (\S+)", tool_versions())
    driver = os.path.join(outdir, "cvc5_isola.drv")
    with open(driver, "w") as f:
        f.write("(* generated by proofs/prove.py: see cvc5_section *)\n"
                'prelude ";; produced by cvc5_isola.drv ;;"\n'
                'prelude "(set-logic ALL)"\n'
                'unknown "^(error \\"Can\'t get-info :reason-unknown when the last '
                'result wasn\'t unknown!\\")$" "(not unknown!)"\n'
                '%s\n'
                'theory BuiltIn\n  meta "supports_smt_get_info_unknown_reason" ""\nend\n'
                % driver_inlined(os.path.join(drivers, "cvc4_16.gen")))
    return ('prover]\ncommand = "%s --tlimit=%%t000 --lang=smt2 %%f"\n'
            'command_steps = "%s --rlimit=%%S --lang=smt2 %%f"\n'
            'driver = "%s"\neditor = ""\nin_place = false\ninteractive = false\n'
            'name = "CVC5"\nshortcut = "cvc5"\nversion = "%s"\n'
            % (exe, exe, driver, m.group(1).decode() if m else "1"))


# The lean filter, proofs/smt_lean.c compiled into proofs/.why3/smt-lean
# (again whenever the source is newer): its path, or None if it cannot be
# built (no C compiler). The caller may rely on: None means no lean prover
# is configured.
def lean_filter(outdir):
    exe = os.path.join(outdir, "smt-lean")
    try:
        if os.path.getmtime(exe) >= os.path.getmtime(LEAN_SOURCE):
            return exe
    except OSError:
        pass
    try:
        built = subprocess.run(["gcc", "-O2", "-o", exe + ".tmp", LEAN_SOURCE],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    except OSError:
        return None
    if built.returncode != 0:
        return None
    os.replace(exe + ".tmp", exe)
    return exe


# A lean prover (Why3 alternative "lean", shortcut "<prover>-lean") derived
# from a prover section: the same binary, driver and limits, with the
# command run through the lean filter, which deletes the task's ACSL lemmas
# and then runs the command unchanged. Sound for the same reason a goal that
# sees fewer lemmas is: an answer "unsat" without some assertions is an
# answer "unsat" with them (docs/trusted-base.md).
def lean_section(section, filter_exe):
    sec = re.sub(r'^(command(?:_steps)? = ")', r'\1%s ' % filter_exe, section, flags=re.M)
    return alternative_section(sec, "lean")


# Without the lean provers in the Why3 configuration WP will use (the filter
# could not be built, or no configuration of our own), hints naming one are
# skipped, so those goals are raced, as without_cvc5 does for cvc5.
def without_lean(why):
    global HINT_PROVERS
    HINT_PROVERS = tuple(p for p in HINT_PROVERS if p not in LEAN_PROVERS)
    print("  note: %s: the goals hinted to a lean prover are raced, which makes a cold "
          "proof slower" % why, flush=True)


def local_why3_config(outdir=None):
    try:
        proc = subprocess.run(["why3", "config", "show"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, universal_newlines=True)
    except OSError:
        return None
    if proc.returncode != 0 or "[prover]" not in proc.stdout:
        return None
    m = re.search(r'^datadir = "([^"]*)"', proc.stdout, re.M)
    drivers = os.path.join(m.group(1) if m else "/usr/share/why3", "drivers")
    outdir = outdir or os.path.join(ROOT, "proofs", ".why3")
    os.makedirs(outdir, exist_ok=True)
    sections = proc.stdout.split("\n[")
    for i, sec in enumerate(sections):
        if not (sec.startswith("prover]") and
                (has_shortcut(sec, "z3") or has_shortcut(sec, "cvc4"))):
            continue
        d = re.search(r'^driver = "([^"]*)"', sec, re.M)
        if not d or os.path.isabs(d.group(1)):
            continue
        local = os.path.join(outdir, d.group(1) + "_isola.drv")
        with open(local, "w") as f:
            f.write("(* generated by proofs/prove.py: see local_why3_config *)\n%s\n%s"
                    % (driver_inlined(os.path.join(drivers, d.group(1) + ".drv")),
                       'unknown "^timeout$" "timeout"\n' if has_shortcut(sec, "z3") else ""))
        sections[i] = sec.replace(d.group(0), 'driver = "%s"' % local)
    sections += [cvc4_fmf_section(sec) for sec in list(sections)
                 if sec.startswith("prover]") and has_shortcut(sec, "cvc4")]
    cvc5 = cvc5_section(drivers, outdir)
    if cvc5 and not any(has_shortcut(sec, "cvc5") for sec in sections):
        sections.append(cvc5)
    lean = lean_filter(outdir)
    if lean:
        sections += [lean_section(sec, lean) for sec in list(sections)
                     if sec.startswith("prover]") and
                     any(has_shortcut(sec, p) for p in ("z3", "cvc4", "cvc5"))]
    conf = os.path.join(outdir, "why3.conf")
    with open(conf, "w") as f:
        f.write("\n[".join(sections))
    return conf


# One module's result: replayed if its inputs are those of its last passing
# proof, else proved (and stored for replay if it passed and no input
# changed meanwhile). Also written to proofs/results/<module>.json.
def prove_or_replay(src, module, args, replay):
    started = time.monotonic()
    keys = replay_keys(src, module, args.timeout, args.par) \
        if replay and os.path.isfile(src) else None
    r = load_replay(module, keys["key"], started) if keys else None
    if not r:
        plan = replay_by_function_plan(module, keys) \
            if keys and replay != "module" and not partial_flags(src) else None
        if plan:
            why, saved = plan
            partial = None   # why is empty when only declarations this module
            if why:          # neither defines nor calls changed: nothing to prove
                CHANGED_FUNCTIONS[src] = sorted(why)
                try:
                    partial = prove_module(src, module, args.timeout, args.par, args.max_seconds)
                finally:
                    del CHANGED_FUNCTIONS[src]
            r = merge_by_function(partial, saved, why, keys["bodies"])
        else:
            r = prove_module(src, module, args.timeout, args.par, args.max_seconds)
        if keys and r["status"] == "pass" and not r.get("functions") and \
                replay_keys(src, module, args.timeout, args.par, fresh=True) == keys:
            save_replay(module, keys, r)
    write_json(r)
    return r


# The lines printed for one finished module: the replay notice, its notes
# and problems, then its PASS:/FAIL: line.
def module_report(r):
    module = r["module"]
    lines = []
    if r.get("replayed"):
        lines.append("  %s: inputs unchanged since its passing proof of %s (%.1f s): "
                     "result replayed (PROVE_REPLAY=0 proves again)"
                     % (module, r["replayed"]["date"], r["replayed"]["seconds"] or 0))
    by_function = r.get("by_function")
    if by_function and not r.get("replayed"):
        why = by_function["why"]
        names = sorted(why)
        shown = ["%s: %s" % (f, ", ".join(why[f])) for f in names[:6]]
        lines.append("  %s: only function bodies or declarations changed since its passing proof "
                     "of %s: %d function(s) proved (%s), the goals of the other %d and the "
                     "lemmas replayed (PROVE_REPLAY=module proves the module whole)"
                     % (module, by_function["date"], len(names),
                        "; ".join(shown) + ("; ..." if len(names) > 6 else "")
                        if names else "none here has or names a changed declaration",
                        by_function["replayed"]))
    for w in r.get("warnings", []):
        # Fatal ones and those reported as problems are not repeated.
        if not FATAL_WARNINGS.search(w) and \
                not re.search(r"pedantic-assigns|missing-spec", w):
            lines.append("  %s: (note) warning %s" % (module, w))
    lines += ["  %s: %s" % (module, p) for p in r["problems"]]
    raced = (r.get("hints") or {}).get("raced")
    not_valid = (r.get("hints") or {}).get("not_valid")
    if raced and not r.get("replayed") and race_stale():
        lines.append("  %s: %d goal(s) suspected of a stale hint raced (PROVE_HINTS_RACE=stale)"
                     % (module, raced))
    elif raced and not r.get("replayed"):
        lines.append("  %s: (note) %d goal(s) without a prover hint: every prover was "
                     "started on them; `make prove-hints-new` records their hints" % (module, raced))
    elif not_valid and not r.get("replayed") and r["status"] == "pass":
        stale = (r.get("hints") or {}).get("stale") or []
        lines.append("  %s: (note) %d hinted prover answer(s) were not Valid: some hints "
                     "name a prover that no longer proves their goal (each cost up to a "
                     "timeout); %s races them again" % (module, not_valid,
                     "`make prove-hints-stale`" if stale else "`make prove-hints`"))
        if stale:
            lines.append("  %s: (note) stale hint(s) among: %s" % (module, " ".join(
                re.sub(r"^typed_", "", g) for g in stale[:8]) + (" ..." if len(stale) > 8 else "")))
    lines.append(report_line(r))
    return "\n".join(lines)


# Modules proved at once by default: one per core. One module alone keeps
# about 1.6 cores busy (its Frama-C generates and encodes goals on one core
# while provers wait); a second module fills the gaps. Cold, 2 cores, with
# prover hints: 331 s with one job, 292 s with two, and the slowest prover
# answer 5.2 s of the 30 s timeout (proofs/README.md).
def default_jobs():
    return max(1, os.cpu_count() or 2)


# The order modules are started in: largest first (longest-processing-time
# scheduling), so that the small ones fill the gaps at the end instead of
# one running alone while the other workers idle. Size = the module's SMT
# goals, counted by its committed hints file (one line per goal an SMT
# prover proved; a fresh clone has no earlier timings). PROVEN_SRCS order
# ran pmm + paging first and left elf_check alone for its last ~25 s.
def start_order(mods):
    def size(module):
        return len(read_hints_file(hints_path(module)))
    return sorted(mods, key=lambda sm: -size(sm[1]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=int,
                    default=int(os.environ.get("PROVE_TIMEOUT", "10")))
    ap.add_argument("--par", type=int,
                    default=int(os.environ.get("PROVE_PAR", "4")))
    ap.add_argument("--jobs", type=int,
                    default=int(os.environ.get("PROVE_JOBS", str(default_jobs()))))
    ap.add_argument("--max-seconds", type=int,
                    default=int(os.environ.get("PROVE_MAX_SECONDS", "5400")))
    ap.add_argument("--write-hints", action="store_true",
                    help="rewrite proofs/hints/<module>.hints from each passing result")
    ap.add_argument("--write-new-hints", action="store_true",
                    help="in proofs/hints/<module>.hints, add the lines of goals that have "
                         "none and drop those of goals gone; keep every other line")
    ap.add_argument("srcs", nargs="*")
    args = ap.parse_args()
    os.chdir(ROOT)
    if not args.srcs:
        print("FAIL: prove (no proven sources given)")
        return 1
    qed_by_function()   # a bad line stops the run here, not in a module's thread
    mods, unknown = select(args.srcs, os.environ.get("PROVE_MODULES", ""))
    undefined = []
    if prove_functions():
        mods, undefined = modules_defining(mods, prove_functions())
    if race_stale():
        mods = [(src, m) for src, m in mods if last_stale_hints(m)]
        if not mods and not unknown:
            print("prove: no stale hint named in %s/*.json: nothing to race"
                  % os.path.relpath(RESULTS_DIR, ROOT))
            return 0
    LEMMAS_OWNED_ELSEWHERE.update(plan_lemma_owners(mods))
    FOREIGN_LEMMAS.update({m: {"typed_lemma_" + n: o for n, o in owners.items()}
                           for m, owners in
                           lemma_owners_elsewhere(select(args.srcs, "")[0], mods).items()})
    partial = partial_flags()
    failed = 0
    for name in unknown:
        print("FAIL: prove %s (not a module of PROVEN_SRCS)" % name)
        failed += 1
    for name in undefined:
        print("FAIL: prove %s (PROVE_FUNCTIONS: no module proved here defines it)" % name)
        failed += 1
    ensure_why3_provers()
    conf = why3_setup()
    if conf:
        os.environ["WHY3CONFIG"] = conf
    os.environ["GLIBC_TUNABLES"] = malloc_tunables(os.environ.get("GLIBC_TUNABLES", ""))
    # "0": prove every module; "module": replay unchanged modules only, never
    # by function; anything else: both (prove_or_replay).
    replay = os.environ.get("PROVE_REPLAY", "1")
    replay = False if replay == "0" else "module" if replay == "module" else True
    if not runtime_script_loads():
        print("  note: Frama-C cannot load %s (is ocaml-nox installed? `make deps`): "
              "same verdicts, but WP polls its provers every 50 ms, which makes a "
              "proof about twice as slow" % os.path.relpath(RUNTIME_SCRIPT, ROOT), flush=True)
    wall, cpu = time.monotonic(), children_cpu_seconds()

    def one(src, module):
        r = prove_or_replay(src, module, args, replay)
        with PRINT_LOCK:
            print(module_report(r), flush=True)
            if args.write_hints and r["status"] == "pass":
                # a partial run (-wp-fct) rewrites only the lines of the goals it saw
                only = last_stale_hints(module) if race_stale() else \
                    {g["goal"] for g in r["goals"]} if partial else None
                path, n = write_hints(r, only)
                print("  %s: %d prover hint(s) written to %s"
                      % (module, n, os.path.relpath(path, ROOT)), flush=True)
            elif args.write_new_hints and r["status"] == "pass":
                path = hints_path(module)
                before = read_hints_file(path)
                only = hints_out_of_date(r, before, FOREIGN_LEMMAS.get(module, {}), partial)
                if only:
                    write_hints(r, only)
                    dropped = sum(1 for g in only if g in before)
                    print("  %s: hints: %d line(s) added, %d dropped, %d kept (%s)"
                          % (module, len(only) - dropped, dropped, len(before) - dropped,
                             os.path.relpath(path, ROOT)), flush=True)
                else:
                    print("  %s: hints: every line matches a goal, nothing written" % module,
                          flush=True)
        return r

    # Modules are independent (own source, session, logs): JOBS of them are
    # proved at once, each with its own Frama-C; results print as modules
    # finish, the total waits for all.
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(one, src, module) for src, module in start_order(mods)]
        try:
            results = [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            kill_running()
            raise
    failed += sum(r["status"] != "pass" for r in results)
    # Of the modules proved in this run (not replayed): how close a prover
    # came to the timeout.
    answers = [(r["slowest_answer_s"], r["timeout"]) for r in results
               if not r.get("replayed") and r.get("slowest_answer_s") is not None]
    margin = ", slowest prover answer %.1f s of %s" % max(answers) if answers else ""
    print("prove total: %d module(s), %d/%d goals, %d/%d smoke, %.1f s, %d failed%s "
          "(%.1f s wall, %.0f s CPU, %d job(s))"
          % (len(results), sum(r["proved"] for r in results),
             sum(r["total"] for r in results),
             sum(r["smoke_passed"] for r in results),
             sum(r["smoke_total"] for r in results),
             sum(r["seconds"] for r in results), failed, margin,
             time.monotonic() - wall, children_cpu_seconds() - cpu, max(1, args.jobs)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
