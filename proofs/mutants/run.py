#!/usr/bin/env python3
"""make mutants: apply each small, realistic bug of proofs/mutants/*.mutant to
a scratch copy of the tree (build/mutants/<name>/) and check that the proof
rejects it. One line per mutant, "PASS: mutant <name> killed (...)" or
"FAIL: mutant <name> survived" (or "... inconclusive" when the mutant does
not apply or the unmutated proof of the same functions does not pass), then
a total; exit status 1 unless every mutant was killed.

A .mutant file:
    # one line saying what the bug is
    module: vmspace                  (the proven module the bug lives in)
    file: kernel/mm/vmspace.c        (the file it edits)
    functions: vm_space_destroy      (optional: WP restricted to these)
    properties: destroy_exact        (optional: and to these property labels)
    killed_by: smoke                 (optional: the kill must come from a smoke
                                      test WP proved, not from a failed goal)
    --- find
    <exact text, must occur exactly once in file>
    +++ replace
    <replacement text>
  (several find/replace pairs may follow one another).
Restricting WP to the mutated functions (and skipping the lemmas, which read
no function body) is sound: a goal that fails there fails in `make prove`
too; it only saves time. Each function set is first proved unmutated (the
baseline): a kill counts only if that baseline passes. The scratch copy starts with
a copy of the module's WP session (prover cache), so unchanged goals cost
nothing. Environment: MUTANTS="a b" runs only those; MUTANT_TIMEOUT is the
prover timeout (default 10 s); PROVE_PAR as for make prove.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
COPY = ["kernel", "include", "spec", "proofs/prove.py", "proofs/wp_runtime.ml", "proofs/smt_lean.c",
        "proofs/wp-flags", "docs/trusted-base.md"]


# The fields and (find, replace) pairs of one .mutant file.
def parse_mutant(path):
    fields, pairs, mode, find, repl = {}, [], None, [], []
    with open(path) as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        if line == "--- find":
            if mode == "replace":
                pairs.append(("\n".join(find), "\n".join(repl)))
                find, repl = [], []
            mode = "find"
        elif line == "+++ replace":
            mode = "replace"
        elif mode == "find":
            find.append(line)
        elif mode == "replace":
            repl.append(line)
        elif line.startswith("#"):
            fields.setdefault("about", line.lstrip("# "))
        elif ":" in line:
            k, v = line.split(":", 1)
            fields[k.strip()] = v.strip()
    if mode == "replace":
        pairs.append(("\n".join(find), "\n".join(repl)))
    fields["pairs"] = pairs
    return fields


# A fresh scratch copy of what the proof of one module reads.
def make_scratch(name, module):
    d = os.path.join(ROOT, BUILD, "mutants", name)
    shutil.rmtree(d, ignore_errors=True)
    for p in COPY:
        src = os.path.join(ROOT, p)
        dst = os.path.join(d, p)
        if os.path.isdir(src):
            shutil.copytree(src, dst)
        elif os.path.exists(src):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(src, dst)
    sess = os.path.join(ROOT, "proofs", "session", module)
    if os.path.isdir(sess):
        shutil.copytree(sess, os.path.join(d, "proofs", "session", module))
    return d


# Applies the pairs to file in d; an error message, or None.
def apply_pairs(d, rel, pairs):
    path = os.path.join(d, rel)
    with open(path) as f:
        text = f.read()
    for find, repl in pairs:
        n = text.count(find)
        if n != 1:
            return "find text occurs %d times in %s: %r" % (n, rel, find[:60])
        text = text.replace(find, repl)
    with open(path, "w") as f:
        f.write(text)
    return None


# Runs the (restricted) proof of module in scratch copy name with pairs
# applied; returns (proved?, seconds, prove.py's output) or (None, error message, "").
def prove_scratch(name, module, rel, pairs, functions, props=""):
    timeout = int(os.environ.get("MUTANT_TIMEOUT", "10"))
    d = make_scratch(name, module)
    err = apply_pairs(d, rel, pairs)
    if err:
        return None, err, ""
    flags = os.path.join(d, "proofs", "wp-flags")
    # After the copied flags, so it wins over proofs/wp-flags' own limit (60 s,
    # which made every kill cost a minute: a false goal holds cvc4 or cvc5 to
    # the limit). The baseline runs with the same limit, so a kill still needs
    # a goal that proves unmutated within it.
    extra = "-wp-timeout %d\n" % timeout
    if functions:
        # Lemmas read no function body, so a body mutant cannot touch them.
        extra += "-wp-fct %s\n" % ",".join(functions.replace(",", " ").split())
    # One -wp-prop only (a second one replaces the first): the named
    # properties, else everything but the lemmas.
    if props:
        extra += "-wp-prop=%s\n" % ",".join(props.replace(",", " ").split())
    elif functions:
        extra += "-wp-prop=-@lemma\n"
    with open(flags, "a") as f:
        f.write("\n" + extra)
    # PWD too: Frama-C resolves its relative log paths against it.
    env = dict(os.environ, PWD=d, PROVE_MODULES=module, PROVE_TIMEOUT=str(timeout))
    env.pop("PROVE_WP_FLAGS", None)
    env.pop("PROVE_FUNCTIONS", None)
    env.pop("PROVE_SESSION_DIR", None)
    env.pop("PROVE_RESULTS_DIR", None)
    src = os.path.join("kernel", "mm", module + ".c")
    t0 = time.time()
    p = subprocess.run([sys.executable, "proofs/prove.py", src], cwd=d, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(os.path.join(d, "prove.log"), "w") as f:
        f.write(p.stdout)
    return p.returncode == 0, time.time() - t0, p.stdout


# What made a failed proof fail, from prove.py's output: "smoke" when every
# problem it reports is a smoke test that WP proved, else "goal". A note
# (a module's "(note)", or the run's own "  note: ...", such as a missing
# tool) is not a problem.
def failure_kind(output):
    problems = [l for l in output.splitlines() if re.match(r"  \w+: ", l)
                and not re.match(r"  (note: |\w+: (\(note\)|\w+ pass \(WP log))", l)]
    smoke = [l for l in problems if "smoke test" in l and "was proved" in l]
    return "smoke" if smoke and len(smoke) == len(problems) else "goal"


BASELINES = {}


# One mutant: the unmutated proof of the same functions must pass (else the
# kill would prove nothing), the mutated one must fail.
def run_one(path):
    name = os.path.basename(path)[:-len(".mutant")]
    m = parse_mutant(path)
    module, rel, fns = m.get("module"), m.get("file"), m.get("functions", "")
    props = m.get("properties", "")
    if not module or not rel or not m["pairs"]:
        return name, "bad", "malformed mutant file"
    key = (module, fns, props)
    if key not in BASELINES:
        tag = "_".join((fns + " " + props).replace(",", " ").split()) or "all"
        BASELINES[key] = prove_scratch("baseline-%s-%s" % (module, tag), module, rel, [], fns, props)
    base_ok = BASELINES[key][0]
    if base_ok is not True:
        return name, "bad", "the unmutated proof of %s %s does not pass" % (module, fns or "")
    ok, secs, output = prove_scratch(name, module, rel, m["pairs"], fns, props)
    if ok is None:
        return name, "bad", secs
    want = m.get("killed_by")
    if not ok and want and failure_kind(output) != want:
        return name, "bad", "%.0fs; failed, but not by a %s test: see %s" % (
            secs, want, os.path.join(BUILD, "mutants", name, "prove.log"))
    if not ok:
        return name, "killed", "%.0fs%s; %s" % (secs, " by a " + want + " test" if want else "",
                                                m.get("about", ""))
    return name, "survived", "%.0fs; %s" % (secs, m.get("about", ""))


def main():
    os.chdir(ROOT)
    files = sorted(glob.glob("proofs/mutants/*.mutant"))
    only = os.environ.get("MUTANTS", "").split()
    if only:
        files = [f for f in files if os.path.basename(f)[:-7] in only]
    killed = survived = 0
    for f in files:
        name, outcome, info = run_one(f)
        if outcome == "killed":
            killed += 1
            print("PASS: mutant %s killed (%s)" % (name, info), flush=True)
        elif outcome == "survived":
            survived += 1
            print("FAIL: mutant %s survived (%s)" % (name, info), flush=True)
        else:
            survived += 1
            print("FAIL: mutant %s inconclusive (%s)" % (name, info), flush=True)
    print("mutants: %d killed, %d survived, %d total" % (killed, survived, killed + survived))
    return 0 if survived == 0 and files else 1


if __name__ == "__main__":
    sys.exit(main())
