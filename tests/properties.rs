//! Properties over generated text (proptest): diagnostics lie on char boundaries inside
//! the text, their line and column agree with counting by hand, the edits of a fix do
//! not overlap, fixing then linting again converges, and linting is deterministic.

use answerlint::document::LineIndex;
use answerlint::invariants::{fixes_converge, lint_ranges};
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
        // Spans and edits inside the text on char boundaries (panics otherwise).
        for d in lint_ranges(&text) {
            let p = index.position(&text, d.span.start);
            let before = &text[..d.span.start];
            prop_assert_eq!(p.line, before.matches('\n').count() + 1);
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            prop_assert_eq!(p.column, text[line_start..d.span.start].chars().count() + 1);
            for f in &d.fixes {
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
        prop_assert!(fixes_converge(&text), "no fixpoint in 10 rounds:\n{}", text);
    }
}
