//! `audit`: lint a corpus and print a seeded random sample of findings per rule and
//! language, each with its sentence, for judging by hand; and a summary table. The same
//! seed gives the same sample, so two reviewers can judge the same findings.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::args::AuditArgs;
use super::check::{discover_all, lint_all};
use super::{usage_error, Output, Terminal};
use answerlint::engine::Outcome;

/// One finding as the reviewer sees it.
struct Item {
    place: String,
    severity: &'static str,
    source: String,
    confidence: Option<f32>,
    /// The line with the finding marked ⟦…⟧.
    context: String,
    message: String,
}

/// splitmix64: a small, well-known generator; enough to draw a reproducible sample.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `k` distinct indices of `0..n` in increasing order (a partial Fisher-Yates shuffle).
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + (self.next() % (n - i) as u64) as usize;
            idx.swap(i, j);
        }
        let mut out = idx[..k].to_vec();
        out.sort_unstable();
        out
    }
}

/// The line holding `span`, cut to about `reach` characters on each side of it, with the
/// span between ⟦ and ⟧.
fn context(text: &str, start: usize, end: usize, reach: usize) -> String {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let end = end.min(line_end);
    let before: String = {
        let b = &text[line_start..start];
        let n = b.chars().count();
        let cut: String = b.chars().skip(n.saturating_sub(reach)).collect();
        if n > reach {
            format!("…{cut}")
        } else {
            cut
        }
    };
    let after: String = {
        let a = &text[end..line_end];
        let cut: String = a.chars().take(reach).collect();
        if a.chars().count() > reach {
            format!("{cut}…")
        } else {
            cut
        }
    };
    let flagged: String = text[start..end].chars().take(4 * reach).collect();
    let mut out = format!("{}⟦{}⟧{}", before.trim_start(), flagged, after.trim_end());
    // A finding on a question heading (missing-tiers, missing-dimension...) is about the
    // answer under it: show the start of that answer, or the judge cannot tell.
    if text[line_start..].trim_start().starts_with('#') {
        let answer = answer_after(text, line_end, 4 * reach);
        if !answer.is_empty() {
            out.push_str(" ⟶ ");
            out.push_str(&answer);
        }
    }
    out.replace(['\r', '\t'], " ")
}

/// The text after byte `from` up to the next Markdown heading, its lines joined with
/// " / " and cut to `limit` characters.
fn answer_after(text: &str, from: usize, limit: usize) -> String {
    let lines: Vec<&str> = text[from..]
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.starts_with('#'))
        .filter(|l| !l.is_empty())
        .collect();
    let joined = lines.join(" / ");
    let n = joined.chars().count();
    let cut: String = joined.chars().take(limit).collect();
    if n > limit {
        format!("{cut}…")
    } else {
        cut
    }
}

fn lang_of(s: &str) -> &'static str {
    if s.chars()
        .any(|c| matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}'))
    {
        "zh"
    } else {
        "en"
    }
}

pub(super) fn audit(args: AuditArgs, term: Terminal) -> Output {
    let mut linter = match args.lint.linter(term) {
        Ok(l) => l,
        Err(out) => return out,
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let found = match discover_all(&linter, &paths) {
        Ok(f) => f,
        Err(e) => return usage_error(e),
    };
    // (rule, lang) -> findings, in path order.
    let mut groups: BTreeMap<(String, &'static str), Vec<Item>> = BTreeMap::new();
    let mut files = 0usize;
    let mut errors = String::new();
    let progress = !args.quiet && term.stderr_is_tty;
    if let Err(e) = lint_all(&mut linter, found, args.lint.jobs, progress, |o| match o {
        Outcome::Linted(r) => {
            files += 1;
            for d in &r.diagnostics {
                let ctx = context(&r.text, d.span.start, d.span.end, args.reach);
                let pos = r.line_index.position(&r.text, d.span.start);
                groups
                    .entry((d.rule.as_str().to_string(), lang_of(&ctx)))
                    .or_default()
                    .push(Item {
                        place: format!("{}:{}:{}", r.path, pos.line, pos.column),
                        severity: d.severity.as_str(),
                        source: format!("{:?}", d.source).to_lowercase(),
                        confidence: d.confidence,
                        context: ctx,
                        message: d.message.clone(),
                    });
            }
        }
        Outcome::Error { path, message } => errors.push_str(&format!("error: {path}: {message}\n")),
        Outcome::Skipped { .. } => {}
    }) {
        return usage_error(e);
    }
    let mut out = format!(
        "# answerlint audit\n\n{files} files linted; sample of {} findings per rule and language, seed {}.\n\n",
        args.sample, args.seed
    );
    out.push_str("| rule | lang | findings | from the model alone | errors | warnings | sampled |\n|---|---|---|---|---|---|---|\n");
    for ((rule, lang), items) in &groups {
        let model = items.iter().filter(|i| i.source == "model").count();
        let errs = items.iter().filter(|i| i.severity == "error").count();
        let warns = items.iter().filter(|i| i.severity == "warning").count();
        out.push_str(&format!(
            "| {rule} | {lang} | {} | {model} | {errs} | {warns} | {} |\n",
            items.len(),
            items.len().min(args.sample)
        ));
    }
    for ((rule, lang), items) in &groups {
        // Each group draws from its own stream, so adding a rule does not change the
        // sample of another.
        let mut seed = args.seed;
        for b in rule.bytes().chain(lang.bytes()) {
            seed = seed.wrapping_mul(31).wrapping_add(u64::from(b));
        }
        let mut rng = Rng(seed);
        out.push_str(&format!("\n## {rule} ({lang})\n\n"));
        for (n, i) in rng.sample(items.len(), args.sample).into_iter().enumerate() {
            let it = &items[i];
            let conf = it
                .confidence
                .map(|c| format!(", confidence {c:.2}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "{}. [ ] right [ ] wrong — `{}` ({}, {}{conf})\n   > {}\n   {}\n",
                n + 1,
                it.place,
                it.severity,
                it.source,
                it.context,
                it.message
            ));
        }
    }
    Output {
        stdout: out,
        stderr: errors.clone(),
        code: if errors.is_empty() { 0 } else { 2 },
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_distinct_sample() {
        let a = Rng(7).sample(100, 10);
        assert_eq!(a, Rng(7).sample(100, 10));
        assert_ne!(a, Rng(8).sample(100, 10));
        let mut d = a.clone();
        d.dedup();
        assert_eq!(d.len(), 10);
        assert!(a.iter().all(|&i| i < 100));
        assert_eq!(Rng(1).sample(3, 10), vec![0, 1, 2]);
    }

    #[test]
    fn a_finding_on_a_heading_shows_the_answer_under_it() {
        let text = "# Script\n\n## How do you handle a complaint?\n\nWe refund.\nThen we call.\n\n## Next\nOther.\n";
        let at = text.find("How").unwrap();
        let c = context(text, at, at + 3, 60);
        assert!(c.ends_with("⟶ We refund. / Then we call."), "{c}");
        let at = text.find("refund").unwrap();
        assert!(!context(text, at, at + 6, 60).contains('⟶'));
    }

    #[test]
    fn context_marks_the_finding_within_its_line() {
        let t = "第一行\n我们会尽力解决您的问题。\n第三行";
        let s = t.find("尽力").unwrap();
        assert_eq!(
            context(t, s, s + "尽力".len(), 40),
            "我们会⟦尽力⟧解决您的问题。"
        );
        let long = format!("{}we will try{}", "a".repeat(100), "b".repeat(100));
        let s = long.find("try").unwrap();
        let c = context(&long, s, s + 3, 5);
        assert_eq!(c, "…will ⟦try⟧bbbbb…");
    }
}
