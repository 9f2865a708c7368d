//! The lexicon files are data that people edit: check that every file parses, is sorted,
//! has no duplicate phrases, holds only normalised phrases, and that the lists are big
//! enough to be useful.

use answerlint::document::Lang;
use answerlint::lexicon::{normalise, parse, List, EMBEDDED};

#[test]
fn every_file_is_parsed_sorted_unique_and_normalised() {
    let mut problems = Vec::new();
    for (lang, name, text) in EMBEDDED {
        let file = format!("lexicons/{lang}/{name}.tsv");
        let l = if *lang == "zh" { Lang::Zh } else { Lang::En };
        let list = List::from_name(name).expect("known list");
        let entries = match parse(&file, l, list, text) {
            Ok(e) => e,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        assert!(!entries.is_empty(), "{file} is empty");
        // Comments only at the top.
        let mut seen_data = false;
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') && seen_data {
                problems.push(format!("{file}:{}: comment after data", n + 1));
            }
            seen_data |= !line.starts_with('#') && !line.is_empty();
        }
        if list.keeps_file_order() {
            // Order is meaning here (applied one after another): unique, not sorted.
            let mut seen = std::collections::HashSet::new();
            for e in &entries {
                if !seen.insert(e.phrase.as_str()) {
                    problems.push(format!("{file}: `{}` appears twice", e.phrase));
                }
            }
        }
        for w in entries.windows(2).filter(|_| !list.keeps_file_order()) {
            if w[0].phrase.as_bytes() >= w[1].phrase.as_bytes() {
                problems.push(format!(
                    "{file}: `{}` should come after `{}` (sorted, unique)",
                    w[0].phrase, w[1].phrase
                ));
            }
        }
        for e in &entries {
            if normalise(&e.phrase) != e.phrase {
                problems.push(format!(
                    "{file}: `{}` is not normalised (expected `{}`)",
                    e.phrase,
                    normalise(&e.phrase)
                ));
            }
            if e.phrase
                .ends_with(|c: char| ".,;:!?。，；：！？".contains(c))
            {
                problems.push(format!("{file}: `{}` ends with punctuation", e.phrase));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn lists_are_large_enough() {
    let count = |lang: &str| -> usize {
        EMBEDDED
            .iter()
            .filter(|(l, _, _)| *l == lang)
            .map(|(_, _, text)| {
                text.lines()
                    .filter(|l| !l.starts_with('#') && !l.is_empty())
                    .count()
            })
            .sum()
    };
    assert!(count("zh") >= 150, "zh has {}", count("zh"));
    assert!(count("en") >= 120, "en has {}", count("en"));
    // Every phrase list exists in both languages (a word list may have one).
    for list in List::ALL.into_iter().filter(|l| !l.is_word_list()) {
        for lang in ["zh", "en"] {
            assert!(
                EMBEDDED
                    .iter()
                    .any(|(l, n, _)| *l == lang && *n == list.name()),
                "missing lexicons/{lang}/{}.tsv",
                list.name()
            );
        }
    }
}

/// The categories each list allows in code are the ones lexicons/FORMAT.md documents.
#[test]
fn categories_match_the_format_document() {
    let format = include_str!("../lexicons/FORMAT.md");
    for list in List::ALL {
        let file = format!("{}.tsv", list.name());
        let row = format
            .lines()
            .find(|l| l.starts_with(&format!("| {file} |")))
            .unwrap_or_else(|| panic!("lexicons/FORMAT.md has no row for {file}"));
        let documented: Vec<&str> = row
            .split('|')
            .nth(2)
            .expect("a categories column")
            .split(',')
            .map(str::trim)
            .collect();
        assert_eq!(documented, list.categories(), "{file}");
    }
}
