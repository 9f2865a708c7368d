//! Every rule's fixtures: each line of `tests/fixtures/rules/<rule>/flag.*.txt` must be
//! flagged by that rule, and no line of `pass.*.txt` may be. Structural rules (answers and
//! scripts rather than sentences) have script fixtures instead: tests/structure.rs.

use std::path::Path;

use answerlint::engine::{lint_text_with, Settings};

fn cases(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn fixtures_flag_and_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in answerlint::rules::REGISTRY {
        let id = rule.meta().id;
        if rule.meta().structural {
            continue; // tests/structure.rs
        }
        let settings = Settings {
            select: Some(vec![id]),
            ..Default::default()
        };
        for lang in ["zh", "en"] {
            for (kind, want) in [("flag", true), ("pass", false)] {
                let file = root.join(id.as_str()).join(format!("{kind}.{lang}.txt"));
                let lines = cases(&file);
                assert!(lines.len() >= 10, "{}: too few cases", file.display());
                for line in lines {
                    checked += 1;
                    let got = lint_text_with(&line, &settings);
                    if got.is_empty() == want {
                        let what: Vec<String> = got.iter().map(|d| d.message.clone()).collect();
                        failures.push(format!("{id} {kind}.{lang}: {line}  {what:?}"));
                    }
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} cases");
    assert!(
        failures.is_empty(),
        "{} of {checked} fixture lines wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
