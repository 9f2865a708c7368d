#!/usr/bin/env python3
"""Evaluate an answerlint binary on the blind structure sets (reporting only).

    python3 models/blind/structure/evaluate.py --bin PATH [--no-model] [--show-errors]

Reads, for zh and en:
- complaints.md / questions.md with labels.jsonl: question type per `##` section, and
  for complaint answers whether the three tiers are there (gold: t1, t2 and t3, each an
  action with a concrete deadline). A section counts as judged three-tier when it is
  typed quality-complaint and has no missing-tiers finding; a complaint typed as anything
  else was not checked, so it is counted wrong whatever its label. Proof is reported
  apart (missing-tier-proof is a per-tier warning; the labels mark proof per chain).
- figures.jsonl: one sentence per file; a sentence is "flagged unsourced" when it gets
  unsupported-figure, or hedged-figure whose message says it has no source. Gold: figure
  = 1 and evidence = 0. Indefinite amounts (indefinite = 1) must get vague-quantity and
  no unsupported-figure.
- scripts/tN-{strong,mixed,weak}.md: readiness totals; ordering strong > mixed > weak.
And ../questions/questions.tsv (lang, type, text): each question as a `##` heading with a
neutral one-line answer; accuracy of the section type per type.

This set is for reporting only: do not tune on it. Python 3 standard library only.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LANGS = ("zh", "en")
TIER_RULES = {"missing-tiers"}
NEUTRAL = {"zh": "下面是我们的做法。", "en": "Here is how we handle it."}


def run(binary, paths, no_model, cwd):
    cfg = os.path.join(cwd, "answerlint.toml")
    if not os.path.exists(cfg):
        open(cfg, "w").close()
    cmd = [binary, "check", "--format", "json", "--no-cache", "--exit-zero", "--config", cfg]
    if no_model:
        cmd.append("--no-model")
    out = subprocess.run(cmd + paths, capture_output=True, text=True, cwd=cwd)
    if out.returncode != 0:
        sys.exit(f"answerlint failed ({out.returncode}): {out.stderr[:2000]}")
    return {os.path.basename(f["path"]): f for f in json.loads(out.stdout)["files"]}


def headings(text):
    """1-based lines of the `## ` headings."""
    return [i + 1 for i, l in enumerate(text.split("\n")) if l.startswith("## ")]


def sections_of(result, text):
    """Per `##` heading: (type, rules of the findings inside the section)."""
    lines = headings(text)
    bounds = list(zip(lines, lines[1:] + [10**9]))
    types = {s["line"]: s["type"] for s in (result.get("score") or {}).get("sections", [])}
    out = []
    for a, b in bounds:
        rules = [d for d in result["diagnostics"] if a <= d["line"] < b]
        out.append((types.get(a, "none"), rules))
    return out


def pct(a, b):
    return f"{a}/{b} = {a / b:.2f}" if b else "n/a"


def f1(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--heldout", action="store_true", help="the second set (heldout/): complaints and figures only")
    ap.add_argument("--heldout2", action="store_true", help="the third set (heldout2/): figures only")
    args = ap.parse_args()
    root = HERE
    if args.heldout:
        root = os.path.join(HERE, "heldout")
    if args.heldout2:
        root = os.path.join(HERE, "heldout2")
    binary = os.path.abspath(args.bin)
    report = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in LANGS:
            d = os.path.join(root, lang)
            lp = os.path.join(d, "labels.jsonl")
            labels = [json.loads(l) for l in open(lp, encoding="utf-8")] if os.path.exists(lp) else []
            wd = os.path.join(tmp, lang)
            os.makedirs(wd)
            names = [n for n in ("complaints.md", "questions.md") if os.path.exists(os.path.join(d, n))]
            texts = {}
            for n in names:
                texts[n] = open(os.path.join(d, n), encoding="utf-8").read()
                open(os.path.join(wd, n), "w", encoding="utf-8").write(texts[n])
            res = run(binary, names, args.no_model, wd)
            secs = {n: sections_of(res[n], texts[n]) for n in names}
            typed = collections.Counter()
            tier_ok = tier_n = 0
            non_complaint_as_complaint = 0
            errors = []
            for lab in labels:
                kind, diags = secs[lab["file"]][lab["n"] - 1]
                typed[(lab["type"], kind == lab["type"])] += 1
                if not lab["complaint"] and kind == "quality-complaint":
                    non_complaint_as_complaint += 1
                    errors.append(f"  non-complaint typed complaint: {lab['heading']}")
                if lab["complaint"]:
                    tier_n += 1
                    found = sorted({x["rule"] for x in diags if x["rule"] in TIER_RULES})
                    judged = kind == "quality-complaint" and not found
                    gold = lab["t1"] and lab["t2"] and lab["t3"]
                    if judged == gold and kind == "quality-complaint":
                        tier_ok += 1
                    else:
                        msgs = "; ".join(x["message"] for x in diags if x["rule"] in TIER_RULES)
                        errors.append(
                            f"  #{lab['n']} gold tiers={gold} typed={kind} found={found} "
                            f"[{lab['note']}] {msgs}"
                        )
            type_ok = sum(v for (t, ok), v in typed.items() if ok)
            report.append(f"## {lang}: blind structure set")
            if labels:
                report.append(f"three-tier verdict (missing-tiers) right: {pct(tier_ok, tier_n)}")
                report.append(f"section type right: {pct(type_ok, len(labels))}; non-complaints typed complaint: {non_complaint_as_complaint}")
            if args.show_errors:
                report.extend(errors)

            # Figures.
            rows = [json.loads(l) for l in open(os.path.join(d, "figures.jsonl"), encoding="utf-8")]
            fd = os.path.join(tmp, lang + "-fig")
            os.makedirs(fd)
            for r in rows:
                open(os.path.join(fd, r["id"] + ".txt"), "w", encoding="utf-8").write(r["text"] + "\n")
            res = run(binary, [r["id"] + ".txt" for r in rows], args.no_model, fd)
            tp = fp = fn = 0
            indef_ok = indef_n = double = 0
            ferr = []
            for r in rows:
                diags = res[r["id"] + ".txt"]["diagnostics"]
                rules = {x["rule"] for x in diags}
                unsourced = "unsupported-figure" in rules or any(
                    x["rule"] == "hedged-figure" and ("没有出处" in x["message"] or "no source" in x["message"])
                    for x in diags
                )
                gold = r["figure"] == 1 and r["evidence"] == 0
                tp += gold and unsourced
                fp += (not gold) and unsourced
                fn += gold and not unsourced
                if gold != unsourced:
                    ferr.append(f"  {r['id']} gold={int(gold)} got={sorted(rules)} {r['text']}")
                if r["indefinite"]:
                    indef_n += 1
                    indef_ok += "vague-quantity" in rules and "unsupported-figure" not in rules
                    double += "vague-quantity" in rules and "unsupported-figure" in rules
            p, rc, f = f1(tp, fp, fn)
            report.append(f"figure without evidence (sentences): P {p:.2f} R {rc:.2f} F1 {f:.2f} (tp {tp}, fp {fp}, fn {fn})")
            report.append(f"indefinite amounts: vague-quantity only {pct(indef_ok, indef_n)}; also unsupported-figure {double}")
            if args.show_errors:
                report.extend(ferr)

            # Scripts.
            sd = os.path.join(d, "scripts")
            if not os.path.isdir(sd):
                continue
            files = sorted(f for f in os.listdir(sd) if f.endswith(".md"))
            res = run(binary, [os.path.join(sd, f) for f in files], args.no_model, tmp)
            totals = {f: (res[f].get("score") or {}).get("total") for f in files}
            topics = sorted({f.split("-")[0] for f in files})
            ordered = 0
            lines = []
            for t in topics:
                s, m, w = (totals.get(f"{t}-{v}.md") for v in ("strong", "mixed", "weak"))
                ok = None not in (s, m, w) and s > m > w
                ordered += ok
                lines.append(f"{t}: {s} / {m} / {w}{'' if ok else '  <- out of order'}")
            report.append(f"score order strong > mixed > weak: {ordered}/{len(topics)}  ({'; '.join(lines)})")

        # Typed questions.
        if args.heldout or args.heldout2:
            print("\n".join(report))
            return
        qpath = os.path.join(HERE, "..", "questions", "questions.tsv")
        rows = [l.rstrip("\n").split("\t") for l in open(qpath, encoding="utf-8")][1:]
        for lang in LANGS:
            qs = [(t, q) for (lg, t, q) in rows if lg == lang]
            text = "".join(f"## {q}\n\n{NEUTRAL[lang]}\n\n" for _, q in qs)
            qd = os.path.join(tmp, lang + "-q")
            os.makedirs(qd)
            open(os.path.join(qd, "q.md"), "w", encoding="utf-8").write(text)
            sec = sections_of(run(binary, ["q.md"], args.no_model, qd)["q.md"], text)
            per = collections.defaultdict(lambda: [0, 0])
            nc = 0
            qerr = []
            for (t, q), (kind, _) in zip(qs, sec):
                per[t][1] += 1
                per[t][0] += kind == t
                if t != "quality-complaint" and kind == "quality-complaint":
                    nc += 1
                if kind != t:
                    qerr.append(f"  {t} -> {kind}: {q}")
            ok = sum(v[0] for v in per.values())
            report.append(f"## {lang}: typed questions")
            report.append(f"accuracy {pct(ok, len(qs))}; non-complaints typed complaint: {nc}")
            report.append("  " + ", ".join(f"{t} {a}/{b}" for t, (a, b) in sorted(per.items())))
            if args.show_errors:
                report.extend(qerr)
    print("\n".join(report))


if __name__ == "__main__":
    main()
