"""Shared parsing for the contract review tools (tools/gen-isolation-doc,
tools/review, tools/check-trusted): ACSL contracts on header prototypes, the
declarations of spec/*.acsl, PROVEN_SRCS, proof results and the lists of
docs/trusted-base.md. Python 3 standard library only.

Every function takes file *texts* (or a reader) rather than paths where the
caller may want another revision (tools/review reads the base revision with
`git show`)."""
import json
import os
import re

CLAUSE_KEYWORDS = ("requires", "ensures", "assigns", "assumes", "behavior",
                   "complete behaviors", "disjoint behaviors", "terminates",
                   "decreases", "frees", "allocates", "exits", "admit", "check")
CLAUSE_START_RE = re.compile(
    r"(?<![\w\\])(complete\s+behaviors|disjoint\s+behaviors|requires|ensures|assigns|"
    r"assumes|behavior|terminates|decreases|frees|allocates|exits|admit|check)\b")
LABELS_RE = re.compile(r"^((?:[A-Za-z_]\w*\s*:(?!:)\s*)+)")
SPEC_DECL_RE = re.compile(
    r"^\s*(predicate|logic|lemma|axiom|inductive|axiomatic|type)\b\s*([^\n]*)")


# A reader over the working tree: read(path) -> text or None.
def tree_reader(root="."):
    def read(path):
        try:
            with open(os.path.join(root, path), errors="replace") as f:
                return f.read()
        except OSError:
            return None
    return read


# PROVEN_SRCS from the text of the top Makefile, in order ([] if absent).
def proven_srcs(makefile_text):
    m = re.search(r"^PROVEN_SRCS\s*:?=\s*(.*)$", makefile_text or "", re.M)
    return m.group(1).split() if m else []


def module_of(src):
    return os.path.splitext(os.path.basename(src))[0]


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


# The comment block text ("/* ... */" or consecutive "//" lines) that ends
# right before offset `end` of text (only blank space between), or "".
def comment_before(text, end):
    before = text[:end].rstrip()
    if before.endswith("*/"):
        start = before.rfind("/*")
        if start < 0 or before[start:start + 3] == "/*@":
            return ""
        body = before[start + 2:-2]
        return squash(re.sub(r"^\s*\*", "", body, flags=re.M))
    lines = before.split("\n")
    got = []
    while lines and lines[-1].strip().startswith("//") and \
            not lines[-1].strip().startswith("//@"):
        line = lines.pop().strip()[2:].strip()
        if line.startswith("-"):      # a "// ---- section" heading, not a sentence
            break
        got.insert(0, line)
    return squash(" ".join(got))


# The contracts on prototypes in one header text: a list of functions
# {name, prototype, comment, clauses, line}. A contract is a /*@ ... */ or
# //@ annotation directly followed by a declaration ending in ';'. Each clause
# is {kind, labels, behavior, text, comment, line}: kind is one of
# CLAUSE_KEYWORDS, text the ACSL without keyword, labels and final ';',
# behavior the enclosing named behavior ("" for the default one), comment
# the // comment directly above the clause inside the annotation.
def parse_header(text, path=""):
    funcs = []
    for m in re.finditer(r"/\*@(.*?)\*/|((?://@[^\n]*\n\s*)+)", text, re.S):
        body = m.group(1) if m.group(1) is not None else \
            "\n".join(l.strip()[3:] for l in m.group(2).strip().split("\n"))
        rest = text[m.end():]
        d = re.match(r"\s*([^;{}()#/]*?\b([A-Za-z_]\w*)\s*\([^;{}]*\))\s*;", rest)
        if not d or re.search(r"\b(typedef|return)\b", d.group(1)):
            continue
        line = text.count("\n", 0, m.start()) + 1
        funcs.append({
            "name": d.group(2), "prototype": squash(d.group(1)),
            "comment": comment_before(text, m.start()),
            "clauses": parse_clauses(body, line), "line": line, "file": path})
    return funcs


# Clauses of one contract body (see parse_header).
def parse_clauses(body, first_line):
    code = strip_comments_keep_layout(body)
    starts = []
    for m in CLAUSE_START_RE.finditer(code):
        prev = code[:m.start()].rstrip()
        if prev == "" or prev.endswith(";") or prev.endswith("\n"):
            starts.append(m)
        elif code[:m.start()].split("\n")[-1].strip() == "":
            starts.append(m)
    clauses = []
    behavior = ""
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(code)
        kind = squash(m.group(1))
        text = code[m.end():end].strip()
        if text.endswith(";"):
            text = text[:-1]
        text = squash(text)
        line = first_line + code.count("\n", 0, m.start())
        comment = comment_before(body, m.start())
        if kind == "behavior":
            behavior = text.rstrip(":").strip()
            clauses.append({"kind": kind, "labels": [], "behavior": behavior,
                            "text": behavior, "comment": comment, "line": line})
            continue
        if kind in ("complete behaviors", "disjoint behaviors"):
            behavior = ""
        labels = []
        lm = LABELS_RE.match(text)
        if lm and kind not in ("assigns", "frees", "allocates"):
            labels = [l.strip() for l in lm.group(1).split(":") if l.strip()]
            text = text[lm.end():].strip()
        clauses.append({"kind": kind, "labels": labels, "behavior": behavior,
                        "text": text, "comment": comment, "line": line})
    return clauses


# body with every // and /* */ comment replaced by spaces (same offsets).
def strip_comments_keep_layout(body):
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r"//[^\n]*|/\*.*?\*/", blank, body, flags=re.S)


# The label a clause is known by: its first label, or "" if unlabelled.
def clause_label(c):
    return c["labels"][0] if c["labels"] else ""


# A stable key of a clause inside its function: behavior/kind/label, with a
# counter for unlabelled clauses of the same kind ("ok/ensures/#2").
def clause_keys(func):
    keys = []
    seen = {}
    for c in func["clauses"]:
        base = "%s/%s/%s" % (c["behavior"] or "-", c["kind"],
                             clause_label(c) or ("#" if c["kind"] != "behavior" else c["text"]))
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else "%s%d" % (base, seen[base]))
    return keys


# Declarations of one spec/*.acsl text: [{kind, name, text, comment, line}]
# for predicate, logic, lemma, axiom, inductive and type declarations.
def parse_spec(text, path=""):
    decls = []
    for a in re.finditer(r"/\*@(.*?)\*/", text, re.S):
        body = a.group(1)
        code = strip_comments_keep_layout(body)
        first = text.count("\n", 0, a.start()) + 1
        heads = [m for m in re.finditer(
            r"^[ \t]*(predicate|logic|lemma|axiom|inductive|type)\b", code, re.M)]
        # An axiomatic block's opening line and closing brace end a
        # declaration too; they are not declarations themselves.
        stops = [t.start() for t in re.finditer(r"^[ \t]*(?:axiomatic\b[^\n]*|\}[ \t]*)$", code, re.M)]
        for i, m in enumerate(heads):
            end = heads[i + 1].start() if i + 1 < len(heads) else len(code)
            end = min([t for t in stops if m.start() < t < end] + [end])
            chunk = code[m.start():end]
            # The declaration ends at the last ';' (or '}') of the chunk.
            cut = max(chunk.rfind(";"), chunk.rfind("}"))
            decl = squash(chunk[:cut + 1] if cut >= 0 else chunk)
            kind = m.group(1)
            name_m = re.match(r"(?:predicate|logic\s+[\w\s<>]*?|lemma|axiom|inductive|type)"
                              r"\s+([A-Za-z_]\w*)\s*(?:\{[^}]*\})?\s*[(:=;{]", decl)
            if kind == "logic":
                name_m = re.match(r"logic\s+(?:[\w<>]+\s+)+?([A-Za-z_]\w*)\s*(?:\{[^}]*\})?\s*[(=;{]",
                                  decl) or name_m
            decls.append({"kind": kind, "name": name_m.group(1) if name_m else "?",
                          "text": decl, "comment": comment_before(body, m.start()),
                          "line": first + code.count("\n", 0, m.start()), "file": path})
    return decls


# Names of functions defined (with a body) in a C source text.
def defined_functions(c_text):
    code = strip_comments_keep_layout(c_text or "")
    return set(re.findall(r"^[A-Za-z_][^;={}\n]*?\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*\{",
                          code, re.M))


# Header paths (relative to the repository) that the given sources include
# with "..." includes, transitively, resolved against the including file's
# directory, include/ and spec/.
def included_headers(srcs, read):
    todo = list(srcs)
    seen = set()
    out = []
    while todo:
        path = todo.pop(0)
        text = read(path)
        if text is None:
            continue
        for inc in re.findall(r'^\s*#\s*include\s+"([^"]+)"', text, re.M):
            for base in (os.path.dirname(path), "include", "spec", "."):
                cand = os.path.normpath(os.path.join(base, inc))
                if read(cand) is not None:
                    if cand not in seen:
                        seen.add(cand)
                        out.append(cand)
                        todo.append(cand)
                    break
    return out


# The rows of the markdown tables under the "## <title>" section of a
# markdown text: a list of lists of cell strings (header and separator rows
# dropped).
def md_section_rows(md, title):
    m = re.search(r"^##\s+%s[^\n]*$(.*?)(?=^##\s|\Z)" % re.escape(title), md or "", re.M | re.S)
    if not m:
        return None
    rows = []
    header_done = False
    for line in m.group(1).split("\n"):
        s = line.strip()
        if not s.startswith("|"):
            header_done = False
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", s.strip("|"))]
        if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
            header_done = True
            continue
        if not header_done:
            continue
        rows.append(cells)
    return rows


# The first `code` span of a cell, or the cell itself.
def first_code(cell):
    m = re.search(r"`([^`]+)`", cell)
    return m.group(1) if m else cell.strip()


# Function names in the first column of "## Contracts not yet proven"
# of docs/trusted-base.md, mapped to the row's body cell.
def unproven_contracts(trusted_md):
    out = {}
    for row in md_section_rows(trusted_md, "Contracts not yet proven") or []:
        name = re.sub(r"\(.*", "", first_code(row[0])).split()[-1]
        out[name] = first_code(row[2]) if len(row) > 2 else ""
    return out


# The last result of one module (proofs/results/<module>.json) as written,
# or None.
def read_results(results_dir, module):
    try:
        with open(os.path.join(results_dir, module + ".json")) as f:
            r = json.load(f)
    except (OSError, ValueError):
        return None
    return r if isinstance(r, dict) else None


# Proof results of one module or None; None too for a run restricted to some
# functions (PROVE_FUNCTIONS: "functions"), which is not the module's proof.
def load_results(results_dir, module):
    r = read_results(results_dir, module)
    return None if r is None or r.get("functions") else r


# The functions a module's last result was restricted to (PROVE_FUNCTIONS),
# or None when it is a whole proof or there is none.
def partial_results(results_dir, module):
    return (read_results(results_dir, module) or {}).get("functions") or None


# Goal name without "typed_" and model prefixes.
def bare_goal(name):
    return re.sub(r"^typed_(?:ref_|caveat_)?", "", name)


GOAL_TAIL = r"(?:_\d+)?(?:_(?:exit|normal))?(?:_part\d+)?"


# The goals (dicts from the results' "goals") that check one clause of
# function fn: its own ensures/assigns/complete/disjoint goals, or for a
# requires clause the call-site goals in any function that calls fn.
# `goals_by_fn` maps a function name to its (rest-of-name, goal) pairs and
# `calls` a callee name to its (rest, goal) call-site pairs; both come from
# index_goals.
def clause_goals(fn, clause, goals_by_fn, calls):
    kind = clause["kind"]
    label = clause_label(clause)
    beh = clause["behavior"]
    if kind == "requires":
        pat = "requires" + ("_" + label if label else "")
        rx = re.compile(re.escape(pat) + GOAL_TAIL + "$")
        return [g for rest, g in calls.get(fn, []) if rx.match(rest)]
    if kind in ("complete behaviors", "disjoint behaviors"):
        rx = re.compile(kind.split()[0] + r"_\w+$")
    elif kind in ("ensures", "assigns", "exits", "frees", "allocates", "decreases"):
        pat = (beh + "_" if beh else "") + kind + ("_" + label if label else "")
        rx = re.compile(re.escape(pat) + GOAL_TAIL + "$")
    else:
        return []
    return [g for rest, g in goals_by_fn.get(fn, []) if rx.match(rest)]


# Indexes the goals of some result files by function: returns (goals_by_fn,
# calls, lemmas) where goals_by_fn[fn] and calls[callee] are lists of (rest,
# goal) and lemmas[name] a list of goals. Function names come from `names`
# (longest match wins), so pmm_free_count's goals are not pmm_free's.
def index_goals(results, names):
    names = sorted(set(names), key=len, reverse=True)
    by_fn, calls, lemmas = {}, {}, {}
    for r in results:
        for g in r.get("goals", []):
            if g.get("kind") != "goal":
                continue
            bare = bare_goal(g["goal"])
            m = re.match(r"lemma_(\w+?)" + r"(?:_part\d+)?$", bare)
            if bare.startswith("lemma_"):
                lemmas.setdefault(re.sub(r"_part\d+$", "", bare[6:]), []).append(g)
                continue
            fn = next((n for n in names if bare.startswith(n + "_")), None) or g.get("function")
            if not fn:
                continue
            rest = bare[len(fn) + 1:] if bare.startswith(fn + "_") else bare
            cm = re.match(r"call_(\w+?)_requires", rest)
            if cm:
                callee = next((n for n in names if rest.startswith("call_%s_requires" % n)), None)
                if callee:
                    calls.setdefault(callee, []).append(
                        (rest[len("call_%s_" % callee):], dict(g, caller=fn)))
                    continue
            by_fn.setdefault(fn, []).append((rest, g))
    return by_fn, calls, lemmas


# Verdict of a set of goals: ("proved", n, n) when all are valid,
# ("unproved", k, n) otherwise, ("no goals", 0, 0) when empty.
def goals_verdict(goals):
    n = len(goals)
    k = sum(1 for g in goals if g.get("status") == "valid")
    if n == 0:
        return ("no goals", 0, 0)
    return ("proved" if k == n else "unproved", k, n)


# Provers that closed goals (sorted, without versions) and their summed time.
def goals_provers(goals):
    provers = sorted({(g.get("prover") or "?").split()[0] for g in goals
                      if g.get("status") == "valid"})
    secs = sum(g.get("time_s") or 0.0 for g in goals)
    return provers, secs
