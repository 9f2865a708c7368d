//! Decoding arbitrary bytes: `input::decode` must not panic, and a text it decodes must
//! survive a round trip through `fix::encode` in the same encoding (what `--fix` writes
//! back) and `decode` again: same text, same encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    answerlint::invariants::decode_round_trip(data);
});
