#!/usr/bin/env python3
"""Evaluate an answerlint binary on the blind set (reporting only).

    python3 models/blind/evaluate.py --bin PATH [--model | --no-model] [--sample-errors N]

Sentences: each sentence of zh.jsonl / en.jsonl is written to its own
`<id>.txt` file in a temporary directory (plain text, so no Markdown parsing
and no cross-sentence or section effects), and the directory is linted in a
single `check --format json --no-cache` run with the default --jobs. An empty
answerlint.toml is passed with --config so that only the defaults apply. Only
the five sentence rules are scored; structure rules (missing-tiers, ...) are
ignored here.

Scripts: scripts/*-sNN.md (not LABELS.md) are linted in one run, each
missing-tiers finding is attributed to the `## Qn` section it falls in, and
the result is compared with the verdicts in scripts/LABELS.md.

This set is for reporting only: do not train, tune or pick thresholds on it.
Python 3 standard library only.
"""

import argparse
import collections
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LANGS = ("zh", "en")

# rule id -> function(row) -> gold label (0/1)
RULES = {
    "vague-commitment": lambda r: r["vague_commitment"] == 1,
    "hedged-figure": lambda r: r["hedged_figure"] == 1,
    "vague-quantity": lambda r: r["vague_quantity"] == 1,
    "unverifiable-claim": lambda r: r["unverifiable_claim"] == 1,
    "unsupported-figure": lambda r: r["business_figure"] == 1 and r["evidence"] == 0,
}
VAGUE_RULES = ("vague-commitment", "hedged-figure", "vague-quantity", "unverifiable-claim")
NON_CLAIM_ACTS = ("courtesy", "request", "question", "instruction", "hold")


def run_check(binary, paths, use_model, cwd, config):
    cmd = [binary, "check", "--format", "json", "--no-cache", "--exit-zero",
           "--color", "never", "--config", config]
    if not use_model:
        cmd.append("--no-model")
    cmd += list(paths)
    t0 = time.time()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True)
    elapsed = time.time() - t0
    if proc.returncode not in (0, 1):
        sys.exit("check failed (rc=%d): %s\n%s" % (
            proc.returncode, " ".join(cmd), proc.stderr.decode("utf-8", "replace")))
    try:
        doc = json.loads(proc.stdout.decode("utf-8"))
    except ValueError as e:
        sys.exit("could not parse check output as JSON: %s" % e)
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    return doc, elapsed, stderr, cmd


def load_rows():
    rows = []
    for lang in LANGS:
        with open(os.path.join(HERE, lang + ".jsonl"), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    row["_file"] = lang  # zh.jsonl also holds the mixed zh/en sentences
                    rows.append(row)
    return rows


def snippet(text, d):
    """start/end in the JSON are byte offsets into the file."""
    b = text.encode("utf-8")
    try:
        return b[d["start"]:d["end"]].decode("utf-8")
    except (KeyError, TypeError, UnicodeDecodeError):
        return "?"


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if tp and (p + r) else (0.0 if tp + fp and tp + fn else float("nan"))
    return p, r, f


def fmt(x):
    return "-" if x != x else "%.3f" % x


def evaluate_sentences(args, config):
    rows = load_rows()
    by_id = {r["id"]: r for r in rows}
    with tempfile.TemporaryDirectory(prefix="answerlint-blind-") as tmp:
        sdir = os.path.join(tmp, "s")
        os.mkdir(sdir)
        for r in rows:
            with open(os.path.join(sdir, r["id"] + ".txt"), "w", encoding="utf-8") as f:
                f.write(r["text"] + "\n")
        doc, elapsed, stderr, cmd = run_check(args.bin, ["s"], args.model, tmp, config)

    if doc.get("errors"):
        print("WARNING: check reported errors: %s" % doc["errors"][:5])
    if doc.get("skipped"):
        print("WARNING: check skipped files: %s" % doc["skipped"][:5])

    findings = collections.defaultdict(list)  # id -> [diagnostic]
    other = collections.Counter()  # non-sentence rules that fired on single sentences
    seen = set()
    for f in doc.get("files", []):
        sid = os.path.splitext(os.path.basename(f["path"]))[0]
        seen.add(sid)
        for d in f.get("diagnostics", []):
            if d["rule"] in RULES:
                findings[sid].append(d)
            else:
                other[d["rule"]] += 1
    missing = set(by_id) - seen
    if missing:
        sys.exit("check returned no entry for %d sentences, e.g. %s" % (len(missing), sorted(missing)[:5]))

    def pred(sid, rule, sources=None):
        return any(d["rule"] == rule and (sources is None or d.get("source") in sources)
                   for d in findings[sid])

    results = {}
    print("## Sentences (%s)\n" % ("model" if args.model else "no model"))
    print("command: %s   (cwd: temp dir, %d one-sentence .txt files; %.1fs)" % (
        " ".join(cmd[:1] + [os.path.basename(c) if c == config else c for c in cmd[1:]]),
        len(rows), elapsed))
    if stderr:
        print("stderr: %s" % stderr[:500])
    if other:
        print("ignored non-sentence findings: %s" % dict(sorted(other.items())))
    src = collections.Counter((d["rule"], d.get("source")) for ds in findings.values() for d in ds)
    print("sentence-rule findings by source: %s" % ", ".join(
        "%s/%s %d" % (r, s, n) for (r, s), n in sorted(src.items())))
    print()

    groups = [(lang, [r for r in rows if r["_file"] == lang]) for lang in LANGS]
    groups.append(("all", rows))
    print("| lang | rule | gold+ | pred+ | TP | FP | FN | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for lang, rs in groups:
        for rule, gold_fn in RULES.items():
            tp = fp = fn = 0
            for r in rs:
                g, p = gold_fn(r), pred(r["id"], rule)
                tp += g and p
                fp += p and not g
                fn += g and not p
            p_, r_, f_ = prf(tp, fp, fn)
            results[(lang, rule)] = dict(tp=tp, fp=fp, fn=fn, precision=p_, recall=r_, f1=f_)
            print("| %s | %s | %d | %d | %d | %d | %d | %s | %s | %s |" % (
                lang, rule, tp + fn, tp + fp, tp, fp, fn, fmt(p_), fmt(r_), fmt(f_)))
    print()

    # Split by finding source for rules that have model findings.
    src_rules = sorted({d["rule"] for ds in findings.values() for d in ds if d.get("source") == "model"})
    if "vague-commitment" not in src_rules:
        src_rules.insert(0, "vague-commitment")
    print("### By finding source\n")
    print("A predicted sentence is `model-only` when every finding of the rule on it has source "
          "`model`; otherwise `lexicon/pattern`. `non-model P/R/F1` scores the rule with model "
          "findings dropped.\n")
    print("| lang | rule | lexicon/pattern TP | FP | model-only TP | FP | non-model P | R | F1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for lang, rs in groups:
        for rule in src_rules:
            gold_fn = RULES[rule]
            c = collections.Counter()
            for r in rs:
                g = gold_fn(r)
                ds = [d for d in findings[r["id"]] if d["rule"] == rule]
                if not ds:
                    c["fn_nm"] += g
                    continue
                nm = any(d.get("source") != "model" for d in ds)
                kind = "lex" if nm else "mod"
                c[kind + ("_tp" if g else "_fp")] += 1
                if not nm:
                    c["fn_nm"] += g
            p_, r_, f_ = prf(c["lex_tp"], c["lex_fp"], c["fn_nm"])
            print("| %s | %s | %d | %d | %d | %d | %s | %s | %s |" % (
                lang, rule, c["lex_tp"], c["lex_fp"], c["mod_tp"], c["mod_fp"], fmt(p_), fmt(r_), fmt(f_)))
    print()

    acts = sorted({r["act"] for r in rows})
    print("### False positives by act\n")
    print("| lang | rule | %s |" % " | ".join(acts))
    print("|---|---|%s" % ("---|" * len(acts)))
    for lang, rs in groups:
        for rule, gold_fn in RULES.items():
            c = collections.Counter(r["act"] for r in rs if pred(r["id"], rule) and not gold_fn(r))
            print("| %s | %s | %s |" % (lang, rule, " | ".join(str(c[a]) if c[a] else "" for a in acts)))
    print()

    print("### Non-claim acts flagged by any vague rule (%s)\n" % ", ".join(VAGUE_RULES))
    print("| lang | %s | all five acts |" % " | ".join(NON_CLAIM_ACTS))
    print("|---|%s---|" % ("---|" * len(NON_CLAIM_ACTS)))
    for lang, rs in groups:
        cells = []
        tot_n = tot_k = 0
        for act in NON_CLAIM_ACTS:
            sel = [r for r in rs if r["act"] == act]
            k = sum(any(pred(r["id"], rule) for rule in VAGUE_RULES) for r in sel)
            tot_n += len(sel)
            tot_k += k
            cells.append("%d/%d" % (k, len(sel)))
        share = tot_k / tot_n if tot_n else float("nan")
        results[(lang, "non-claim-flagged")] = dict(k=tot_k, n=tot_n, share=share)
        print("| %s | %s | %d/%d (%.1f%%) |" % (lang, " | ".join(cells), tot_k, tot_n, 100 * share))
    print()

    if args.sample_errors:
        n = args.sample_errors
        print("### Error samples (%d per kind, seed %d)\n" % (n, args.seed))
        for lang in LANGS:
            rs = [r for r in rows if r["_file"] == lang]
            for rule, gold_fn in RULES.items():
                fps = [r for r in rs if pred(r["id"], rule) and not gold_fn(r)]
                fns = [r for r in rs if gold_fn(r) and not pred(r["id"], rule)]
                for kind, pool in (("FP", fps), ("FN", fns)):
                    rng = random.Random("%d/%s/%s/%s" % (args.seed, lang, rule, kind))
                    pick = sorted(rng.sample(pool, min(n, len(pool))), key=lambda r: r["id"])
                    print("#### %s %s %s (%d of %d)\n" % (lang, rule, kind, len(pick), len(pool)))
                    for r in pick:
                        extra = ""
                        if kind == "FP":
                            hits = ["%s「%s」" % (d.get("source"), snippet(r["text"], d))
                                    for d in findings[r["id"]] if d["rule"] == rule]
                            extra = "  <- " + "; ".join(hits)
                        flags = "".join(str(r[k]) for k in ("vague_commitment", "hedged_figure",
                                        "vague_quantity", "unverifiable_claim", "business_figure", "evidence"))
                        print("- %s [%s %s %s] %s%s" % (r["id"], r["register"], r["act"], flags, r["text"], extra))
                    print()
    return results


def parse_labels(path):
    """Rows of the table in scripts/LABELS.md: script | title | answer | complaint | I | R | P | E | verdict."""
    labels = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("|"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 9 or not re.fullmatch(r"(zh|en)-s\d+", cells[0]):
                continue
            script, answer, complaint, verdict = cells[0], cells[2], cells[3], cells[-1]
            if complaint == "yes":
                v = verdict.split(":")[0].strip().lower()
                if v not in ("complete", "incomplete"):
                    sys.exit("LABELS.md: unknown verdict %r for %s %s" % (verdict, script, answer))
                labels[(script, answer)] = dict(complaint=True, complete=(v == "complete"), note=verdict)
            else:
                labels[(script, answer)] = dict(complaint=False, complete=None, note=verdict)
    return labels


def section_of(lines, lineno):
    """The `## Qn` section holding 1-based line `lineno`."""
    cur = None
    for i, line in enumerate(lines, 1):
        if i > lineno:
            break
        m = re.match(r"##\s+(Q\d+)\b", line)
        if m:
            cur = m.group(1)
    return cur


def evaluate_scripts(args, config):
    sdir = os.path.join(HERE, "scripts")
    labels = parse_labels(os.path.join(sdir, "LABELS.md"))
    files = sorted(glob.glob(os.path.join(sdir, "*-s[0-9]*.md")))
    with tempfile.TemporaryDirectory(prefix="answerlint-blind-") as tmp:
        doc, elapsed, stderr, cmd = run_check(args.bin, files, args.model, tmp, config)
    fired = collections.defaultdict(list)
    proof = collections.defaultdict(list)
    for f in doc.get("files", []):
        name = os.path.splitext(os.path.basename(f["path"]))[0]
        with open(os.path.join(sdir, name + ".md"), encoding="utf-8") as fh:
            lines = fh.read().splitlines()
        for d in f.get("diagnostics", []):
            if d["rule"] == "missing-tiers":
                fired[(name, section_of(lines, d["line"]))].append(d)
            elif d["rule"] == "missing-tier-proof":
                proof[(name, section_of(lines, d["line"]))].append(d)

    print("## Scripts: missing-tiers vs LABELS.md (%s)\n" % ("model" if args.model else "no model"))
    print("command: %s scripts/*-s*.md (%.1fs)\n" % (
        " ".join(cmd[:1] + [os.path.basename(c) if c == config else c for c in cmd[1:-len(files)]]), elapsed))
    print("`ok` compares missing-tiers alone with the label. The label's `complete` also requires "
          "proof (E), which missing-tiers does not check; `either` is missing-tiers or "
          "missing-tier-proof, shown for reference.\n")
    print("| script | answer | label | missing-tiers | ok | missing-tier-proof | either ok | missing-tiers message |")
    print("|---|---|---|---|---|---|---|---|")
    acc = collections.Counter()
    for (script, answer), lab in sorted(labels.items()):
        if not lab["complaint"]:
            continue
        lang = script[:2]
        got = bool(fired.get((script, answer)))
        ok = got != lab["complete"]
        acc[lang, "n"] += 1
        acc[lang, "ok"] += ok
        acc[lang, "complete" if lab["complete"] else "incomplete", "ok"] += ok
        acc[lang, "complete" if lab["complete"] else "incomplete", "n"] += 1
        gotp = bool(proof.get((script, answer)))
        ok2 = (got or gotp) != lab["complete"]
        acc[lang, "either_ok"] += ok2
        msg = "; ".join(d["message"] for d in fired.get((script, answer), []))
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            script, answer, "complete" if lab["complete"] else "incomplete",
            "fired" if got else "-", "yes" if ok else "**no**",
            "fired (%d)" % len(proof[(script, answer)]) if gotp else "-",
            "yes" if ok2 else "no", msg))
    print()
    nonc = sorted(k for k in fired if k not in labels or not labels[k]["complaint"])
    results = {}
    print("| lang | accuracy (missing-tiers) | complete → no missing-tiers | incomplete → missing-tiers "
          "| accuracy (either rule) | missing-tiers on non-complaint answers |")
    print("|---|---|---|---|---|---|")
    for lang in LANGS:
        n, ok = acc[lang, "n"], acc[lang, "ok"]
        nc = [k for k in nonc if k[0].startswith(lang)]
        results[lang] = ok / n if n else float("nan")
        print("| %s | %d/%d = %s | %d/%d | %d/%d | %d/%d | %d %s |" % (
            lang, ok, n, fmt(results[lang]),
            acc[lang, "complete", "ok"], acc[lang, "complete", "n"],
            acc[lang, "incomplete", "ok"], acc[lang, "incomplete", "n"],
            acc[lang, "either_ok"], n,
            len(nc), " ".join("%s/%s" % k for k in nc)))
    print()
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="answerlint binary")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--model", dest="model", action="store_true", default=True,
                   help="use the sentence model (default)")
    g.add_argument("--no-model", dest="model", action="store_false",
                   help="lexicon and pattern rules only")
    ap.add_argument("--sample-errors", type=int, default=0, metavar="N",
                    help="print N false positives and N false negatives per rule and language")
    ap.add_argument("--seed", type=int, default=0, help="seed for --sample-errors (default 0)")
    ap.add_argument("--skip-scripts", action="store_true", help="sentences only")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)

    ver = subprocess.run([args.bin, "--version"], capture_output=True, text=True).stdout.strip()
    print("# answerlint blind evaluation: %s, %s\n" % (ver, "model" if args.model else "no model"))
    with tempfile.TemporaryDirectory(prefix="answerlint-cfg-") as cfgdir:
        config = os.path.join(cfgdir, "answerlint.toml")
        open(config, "w").close()  # empty: defaults only
        evaluate_sentences(args, config)
        if not args.skip_scripts:
            evaluate_scripts(args, config)


if __name__ == "__main__":
    main()
