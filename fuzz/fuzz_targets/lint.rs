//! Linting arbitrary text: `engine::lint_text` must not panic, and every diagnostic span
//! and every fix edit must be a valid, ordered range on char boundaries of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text);
});

fn check_range(text: &str, start: usize, end: usize, what: &str) {
    assert!(start <= end, "{what}: start {start} > end {end}");
    assert!(
        end <= text.len(),
        "{what}: end {end} past the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(start),
        "{what}: start {start} not on a char boundary"
    );
    assert!(
        text.is_char_boundary(end),
        "{what}: end {end} not on a char boundary"
    );
}

fn check(text: &str) {
    let diags = answerlint::engine::lint_text(text);
    for d in &diags {
        check_range(text, d.span.start, d.span.end, &format!("{} span", d.rule));
        for f in &d.fixes {
            for e in &f.edits {
                check_range(
                    text,
                    e.start,
                    e.end,
                    &format!("{} fix {:?} edit", d.rule, f.title),
                );
            }
        }
    }
}
