//! Fixes over every fixture and example: fixing converges (a second run changes
//! nothing), never invents a number (every digit run of the output stood in the input),
//! and leaves every byte outside the edits alone (the input's lines all survive or were
//! edited in place).

use std::collections::BTreeSet;

use std::path::{Path, PathBuf};

use answerlint::engine::fix_until_stable;
use answerlint::engine::{Outcome, Settings};
use answerlint::fix::FixMode;
use answerlint::Linter;

mod common;

fn inputs() -> Vec<PathBuf> {
    common::script_files()
}

/// Digit runs, list numbers ("3. ", "2）") left out: a rewrite numbers its tiers.
fn numbers(text: &str) -> BTreeSet<String> {
    let body: Vec<&str> = text
        .lines()
        .map(|l| {
            let t = l.trim_start();
            let d = t.bytes().take_while(u8::is_ascii_digit).count();
            if d > 0 && t[d..].starts_with(['.', ')', '、', '）']) {
                &t[d..]
            } else {
                l
            }
        })
        .collect();
    body.join("\n")
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn text(o: &Outcome) -> &str {
    match o {
        Outcome::Linted(r) => &r.text,
        other => panic!("{other:?}"),
    }
}

fn has_placeholder(line: &str) -> bool {
    line.contains("【待补充：") || line.contains("[TODO: ")
}

/// `new` is `old` with some characters taken out (the first letter's case aside).
fn is_deletion(old: &str, new: &str) -> bool {
    let mut rest = old.chars().flat_map(char::to_lowercase);
    new.chars()
        .flat_map(char::to_lowercase)
        .all(|c| rest.any(|o| o == c))
}

#[test]
fn fixing_converges_and_invents_nothing() {
    let files = inputs();
    assert!(files.len() > 30, "{} inputs", files.len());
    let mut fixed_somewhere = 0;
    let rewrite = FixMode {
        unsafe_fixes: true,
        rewrite: true,
    };
    for (path, mode) in files
        .iter()
        .flat_map(|p| [(p, FixMode::fixes(true)), (p, rewrite)])
    {
        let mut linter = Linter::new(Settings::default()).unwrap();
        let first = linter.lint_path(Path::new(&path), true);
        let before = text(&first).to_string();
        let (once, n) = fix_until_stable(&mut linter, first, mode);
        let after = text(&once).to_string();
        if n > 0 {
            fixed_somewhere += 1;
            assert_ne!(before, after, "{}", path.display());
        }
        // Fixing the fixed text again changes nothing.
        let (twice, m) = fix_until_stable(&mut linter, once, mode);
        assert_eq!(m, 0, "{}: a second fix run applied {m}", path.display());
        assert_eq!(text(&twice), after, "{}", path.display());
        // Never a number the input did not have.
        let new: Vec<String> = numbers(&after)
            .difference(&numbers(&before))
            .cloned()
            .collect();
        assert!(new.is_empty(), "{}: invented {new:?}", path.display());
        // Outside the edits nothing moves: line for line, every line that changed now
        // holds a placeholder or lost words only (a reassurance clause removed).
        if mode.rewrite {
            continue; // a rewrite adds lines; its snapshots are in tests/rewrite.rs
        }
        let diff = similar::TextDiff::from_lines(&before, &after);
        for op in diff.ops() {
            let old: Vec<&str> = before
                .lines()
                .skip(op.old_range().start)
                .take(op.old_range().len())
                .collect();
            let new: Vec<&str> = after
                .lines()
                .skip(op.new_range().start)
                .take(op.new_range().len())
                .collect();
            if old == new {
                continue;
            }
            assert_eq!(
                old.len(),
                new.len(),
                "{}: fixes added or removed lines",
                path.display()
            );
            for (o, n) in old.iter().zip(&new) {
                assert!(
                    has_placeholder(n) || is_deletion(o, n),
                    "{}: line changed without a placeholder:\n{o}\n{n}",
                    path.display()
                );
            }
        }
    }
    assert!(
        fixed_somewhere >= 5,
        "fixes applied in only {fixed_somewhere} files"
    );
}

/// The edit contract (`answerlint::invariants::edit_keeps_words`) over every fixture and
/// example, and over the texts that once broke it.
#[test]
fn fixes_keep_the_words_they_did_not_target() {
    let mut checked = 0;
    let mut rewrites = 0;
    for path in inputs() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(decoded) = answerlint::input::decode(&bytes) else {
            continue;
        };
        let fixes = answerlint::invariants::fixes_keep_words(&decoded.text, false);
        checked += fixes;
        // Template rewrites too, on the text and after one round of fixes.
        let all = answerlint::invariants::fixes_keep_words(&decoded.text, true);
        rewrites += all.saturating_sub(fixes);
    }
    assert!(checked >= 50, "only {checked} fixes checked");
    assert!(rewrites >= 20, "only {rewrites} rewrites checked");
    for text in REGRESSIONS {
        answerlint::invariants::fixes_keep_words(text, true);
    }
}

/// Inputs whose fixes or rewrites once deleted words they did not target.
const REGRESSIONS: &[&str] = &[
    "## A buyer says the parcel arrived damaged. What do you do?\n\nFirst of all, we apologize. We will reply as soon as we can and send a replacement within roughly 12 hours.\n",
    "## 买家投诉包裹破损，你怎么处理？\n\n这一点请您完全放心，我们会尽力解决。\n",
    "## 旺季发货慢怎么办？\n\n旺季也不用担心，我们会尽快发货，尽量在两天内处理好。\n",
    "## The buyer wants a refund. How do you respond?\n\nRest assured, we will do our best to refund you quickly.\n",
    "## A buyer got a broken lamp. What do you do?\n\nWe apologize. Our agent replies as soon as we can, and a new lamp ships within 48 hours.\n",
    // Found by recombining fixture sentences at random (issue 15): a hedge apart from its
    // deadline, an English clause in a Chinese answer, a comment inside an answer.
    "## 买家投诉鞋底开胶，如何处理？\n\n- 我们尽量在24小时内联系买家。\n- 48小时内补发新鞋，附物流单号。\n",
    "## A buyer says the kettle leaks. What do you do?\n\n- Orders usually ship within 48 hours.\n- Normally we refund within 7 days, with the refund record.\n",
    "## 买家投诉电水壶底座松动，你们怎么处理？\n\nOur team will cooperate fully with the platform's investigation，24小时内完成全额退款。\n",
    "## 买家投诉台灯灯罩有划痕。\n\n<!-- answerlint-disable-next-line hedged-figure -->\n我们大约3天内补发。\n",
    "## 物流商丢件了，你怎么处理？\n\n请放心，我们会负责到底。\n",
    "## The carrier lost the parcel. How do you handle it?\n\nPlease rest assured that we will take full responsibility.\n",
];
