//! Linting arbitrary text: `engine::lint_text` must not panic, and every diagnostic span
//! and every fix edit must be a valid, ordered range on char boundaries of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    answerlint::invariants::lint_ranges(&String::from_utf8_lossy(data));
});
