//! Decoding arbitrary bytes: `input::decode` must not panic, and a text it decodes must
//! survive a round trip through `fix::encode` in the same encoding (what `--fix` writes
//! back) and `decode` again: same text, same encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(data);
});

fn check(data: &[u8]) {
    let Ok(decoded) = answerlint::input::decode(data) else {
        return;
    };
    let bytes = answerlint::fix::encode(&decoded.text, decoded.encoding);
    let again = answerlint::input::decode(&bytes).unwrap_or_else(|e| {
        panic!(
            "re-encoded {} text no longer decodes: {e}",
            decoded.encoding.name()
        )
    });
    assert_eq!(
        again.text,
        decoded.text,
        "round trip through {} changed the text (decoded back as {})",
        decoded.encoding.name(),
        again.encoding.name()
    );
    assert_eq!(
        again.encoding, decoded.encoding,
        "round trip changed the encoding"
    );
}
