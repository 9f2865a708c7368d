//! Applying fixes to arbitrary text: lint, apply every allowed fix (unsafe fixes and
//! rewrites included), lint again, up to `fix::MAX_ROUNDS` rounds. Nothing may panic, and
//! once a round applies nothing (or leaves the text as it was) the text is stable: a fresh
//! lint of it, applied again, changes nothing; and every fix keeps the words it did not
//! target, template rewrites included (`invariants::fixes_keep_words`). Not converging within the rounds is a
//! finding to look at, not an assertion: with `ANSWERLINT_FUZZ_NONCONVERGENT=<dir>` such
//! inputs are written to that directory, and with `ANSWERLINT_FUZZ_PANIC_NONCONVERGENT=1`
//! the target panics on them instead (so that `cargo fuzz tmin` can minimise one).
#![no_main]

use answerlint::fix::MAX_ROUNDS;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    answerlint::invariants::fixes_keep_words(&text, true);
    if !answerlint::invariants::fixes_converge(&text) {
        record_nonconvergent(data);
    }
});

fn record_nonconvergent(data: &[u8]) {
    use std::hash::{Hash, Hasher};
    if std::env::var_os("ANSWERLINT_FUZZ_PANIC_NONCONVERGENT").is_some() {
        panic!("fixes did not converge in {MAX_ROUNDS} rounds");
    }
    let Some(dir) = std::env::var_os("ANSWERLINT_FUZZ_NONCONVERGENT") else {
        return;
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut h);
    let path = std::path::Path::new(&dir).join(format!("nonconvergent-{:016x}", h.finish()));
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(path, data);
}
