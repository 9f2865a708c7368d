//! Properties over generated text (proptest): diagnostics lie on char boundaries inside
//! the text, their line and column agree with counting by hand, the edits of a fix do
//! not overlap, fixing then linting again converges, and linting is deterministic.

use answerlint::document::LineIndex;
use answerlint::fix::{apply, FixMode};
use answerlint::lint_text;
use proptest::prelude::*;

/// Pieces of scripts (ours), glued at random with odd characters in between.
const PIECES: &[&str] = &[
    "## 买家投诉破损怎么办？\n\n",
    "## How do you handle a complaint?\n\n",
    "我们会尽力解决",
    "尽快处理",
    "一般3天左右发货",
    "退货率1.2%",
    "好几百家客户",
    "行业领先",
    "24小时内补发，运单号同步给买家",
    "We'll do our best to fix it",
    "around 97%",
    "Rest assured, ",
    "within 48 hours",
    "dozens of clients",
    "【待补充：时限】",
    "[TODO: proof]",
    "- ",
    "1. ",
    "→",
    "，",
    "。",
    ". ",
    "\n",
    "\r\n",
    "<!-- answerlint-disable -->",
    "“",
    "”",
    "😀",
    "\t",
];

fn script() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => any::<char>().prop_map(|c| c.to_string()),
            1 => "[0-9]{1,4}(\\.[0-9])?(%|小时|天| hours)?",
        ],
        0..60,
    )
    .prop_map(|v| v.concat())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn spans_are_char_boundaries_inside_the_text_and_positions_agree(text in script()) {
        let index = LineIndex::new(&text);
        for d in lint_text(&text) {
            prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
            prop_assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
            let p = index.position(&text, d.span.start);
            let before = &text[..d.span.start];
            prop_assert_eq!(p.line, before.matches('\n').count() + 1);
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            prop_assert_eq!(p.column, text[line_start..d.span.start].chars().count() + 1);
            for f in &d.fixes {
                for e in &f.edits {
                    prop_assert!(e.start <= e.end && e.end <= text.len());
                    prop_assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
                }
                // The edits of one fix do not overlap.
                let mut edits: Vec<_> = f.edits.iter().map(|e| (e.start, e.end)).collect();
                edits.sort();
                for w in edits.windows(2) {
                    prop_assert!(w[0].1 <= w[1].0 && w[0] != w[1], "{:?}", edits);
                }
            }
        }
    }

    #[test]
    fn fixing_converges_and_linting_is_deterministic(text in script()) {
        prop_assert_eq!(lint_text(&text), lint_text(&text));
        let mode = FixMode { unsafe_fixes: true, rewrite: true };
        let mut current = text.clone();
        let mut stable = false;
        for _ in 0..10 {
            let (next, n) = apply(&current, &lint_text(&current), mode);
            if n == 0 || next == current {
                stable = true;
                break;
            }
            current = next;
        }
        prop_assert!(stable, "no fixpoint in 10 rounds:\n{}\n->\n{}", text, current);
    }
}
