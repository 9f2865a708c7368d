//! Input: bytes → text. Decoding, and finding the files to lint.

mod decode;
mod discover;

pub use decode::{decode, DecodeError, Decoded, Encoding};
pub use discover::{describe_io, discover, DiscoverOptions, Discovered};
