//! Snapshots of the human output over the bundled examples, every sentence rule's
//! fixtures and the script fixtures of the structure rules.
//! Review changes with `cargo insta review`.

use std::path::Path;

use answerlint::engine::{Linter, Settings};
use answerlint::render::{human, HumanOptions};

fn render(path: &str, settings: Settings) -> String {
    let mut linter = Linter::new(settings).unwrap();
    let outcome = linter.lint_path(Path::new(path), true);
    human(
        &[outcome],
        &HumanOptions {
            color: false,
            findings_only: false,
        },
    )
}

#[test]
fn examples() {
    let mut names: Vec<String> = std::fs::read_dir("examples")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    assert!(names.len() >= 4);
    for name in names {
        let out = render(&format!("examples/{name}"), Settings::default());
        insta::assert_snapshot!(format!("example-{name}"), out);
    }
}

#[test]
fn rule_fixtures() {
    for rule in answerlint::rules::REGISTRY {
        let id = rule.meta().id;
        if rule.meta().structural {
            continue; // structure_fixtures
        }
        for lang in ["zh", "en"] {
            let settings = Settings {
                select: Some(vec![id]),
                ..Default::default()
            };
            let out = render(
                &format!("tests/fixtures/rules/{id}/flag.{lang}.txt"),
                settings,
            );
            insta::assert_snapshot!(format!("{id}-flag-{lang}"), out);
        }
    }
}

#[test]
fn structure_fixtures() {
    let mut names: Vec<String> = std::fs::read_dir("tests/fixtures/structure")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| (n.ends_with(".md") || n.ends_with(".txt")) && n != "README.md")
        .collect();
    names.sort();
    for name in names {
        let out = render(
            &format!("tests/fixtures/structure/{name}"),
            Settings::default(),
        );
        insta::assert_snapshot!(format!("structure-{name}"), out);
    }
}
