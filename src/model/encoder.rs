//! The sentence encoder: multilingual-e5-small's BERT, run with candle.
//!
//! The layers follow candle-transformers' `models::bert` (embeddings + LayerNorm, twelve
//! post-LayerNorm blocks with erf GELU, no pooler), with every linear layer built from the
//! file's 4-bit blocks. On the CPU they are unpacked at load into bf16 pairs for
//! AVX512-BF16 (`super::cpu`) or into f32, which measured faster here (see
//! `Encoder::load`), and the word-embedding table (54 MB of the 72 MB file) stays in the
//! memory map: only the rows a batch uses are dequantised. On a GPU the blocks are copied
//! to the device once and dequantised there into f16 (default), bf16, or kept as 4-bit
//! blocks for candle's quantized kernels ([`GpuMatmul`]); the word table too, so a batch
//! sends only token ids, and the whole forward pass runs in that precision (LayerNorm,
//! softmax and GELU accumulate in f32 inside candle's kernels).
//!
//! Output: the mean over all tokens (padding excluded) of the last hidden state, L2
//! normalised: e5's sentence embedding.

use candle_core::quantized::{ggml_file::qtensor_from_ggml, GgmlDType};
use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::LayerNorm;
use candle_transformers::quantized_nn::Linear as QLinear;

/// A linear layer: bf16 pairs on CPUs with AVX512-BF16, dequantised f32 on other CPUs;
/// on a GPU dense f16/bf16 weights or candle's 4-bit blocks.
enum Linear {
    Bf16(super::cpu::Bf16Linear),
    F32(candle_nn::Linear),
    /// `[out, in]` weights and `[out]` bias in the activations' dtype; the input is
    /// flattened to one `[rows, in]` matrix so that the product is one GEMM.
    Dense {
        w: Tensor,
        b: Tensor,
    },
    Q4(QLinear),
}

impl Module for Linear {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Linear::Bf16(l) => x.contiguous()?.apply_op1_no_bwd(l),
            Linear::F32(l) => l.forward(x),
            Linear::Dense { w, b } => {
                let dims = x.dims().to_vec();
                let inp = *dims.last().unwrap_or(&0);
                let rows = x.elem_count() / inp.max(1);
                let y = x.reshape((rows, inp))?.matmul(&w.t()?)?.broadcast_add(b)?;
                let mut out = dims;
                if let Some(last) = out.last_mut() {
                    *last = w.dim(0)?;
                }
                y.reshape(out)
            }
            Linear::Q4(l) => l.forward(x),
        }
    }
}

/// The arithmetic of the linear layers on a GPU: f16 (the default), bf16, or candle's
/// quantized 4-bit kernels with f32 activations; `ANSWERLINT_GPU_MATMUL=f16|bf16|q4`
/// chooses (the benchmarks compare them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpuMatmul {
    F16,
    Bf16,
    Q4,
}

impl GpuMatmul {
    pub fn from_env() -> GpuMatmul {
        match std::env::var("ANSWERLINT_GPU_MATMUL").as_deref() {
            Ok("bf16") => GpuMatmul::Bf16,
            Ok("q4") => GpuMatmul::Q4,
            _ => GpuMatmul::F16,
        }
    }

    /// The dtype of the activations.
    fn dtype(self) -> DType {
        match self {
            GpuMatmul::F16 => DType::F16,
            GpuMatmul::Bf16 => DType::BF16,
            GpuMatmul::Q4 => DType::F32,
        }
    }
}

/// Which CPU kernel the linear layers use: bf16 where the CPU has AVX512-BF16, unless
/// `ANSWERLINT_CPU_MATMUL=f32` asks for candle's f32 matmul (benchmarks compare the two).
fn use_bf16() -> bool {
    super::cpu::bf16_supported()
        && std::env::var("ANSWERLINT_CPU_MATMUL").map_or(true, |v| v != "f32")
}

use super::q4::{self, Index};

pub type Result<T> = std::result::Result<T, super::ModelError>;

/// Bytes of the weight file: a memory map, or a vector in tests.
pub trait Weights: AsRef<[u8]> + Send + Sync {}
impl<T: AsRef<[u8]> + Send + Sync> Weights for T {}

struct Layer {
    q: Linear,
    k: Linear,
    v: Linear,
    ao: Linear,
    aln: LayerNorm,
    fi: Linear,
    fo: Linear,
    oln: LayerNorm,
}

pub struct Encoder {
    pub config: q4::Config,
    device: Device,
    /// The activations' dtype: f32 on the CPU, the [`GpuMatmul`]'s on a GPU.
    dtype: DType,
    weights: Box<dyn Weights>,
    word: std::ops::Range<usize>,
    /// On a GPU: the whole word-embedding table, dequantised on the device.
    word_table: Option<Tensor>,
    /// Position embeddings plus the token-type-0 row, `[max_positions, hidden]`.
    pos_type: Tensor,
    emb_ln: LayerNorm,
    layers: Vec<Layer>,
}

/// Token id used to pad a batch (`<pad>`); padded positions are masked out.
pub const PAD: u32 = 1;

impl Encoder {
    pub fn load(weights: Box<dyn Weights>, device: &Device) -> Result<Encoder> {
        let bytes = weights.as_ref().as_ref();
        let idx = Index::parse(bytes)?;
        let c = idx.config;
        let h = c.hidden;
        let gpu = (!device.is_cpu()).then(GpuMatmul::from_env);
        let dtype = gpu.map_or(DType::F32, GpuMatmul::dtype);
        let f32t = |name: &str, shape: &[usize]| -> Result<Tensor> {
            let e = idx.tensor(name, q4::DType::F32, shape.iter().product())?;
            Ok(
                Tensor::from_vec(q4::f32s(&bytes[e.range.clone()]), shape, device)?
                    .to_dtype(dtype)?,
            )
        };
        let ln = |name: &str| -> Result<LayerNorm> {
            Ok(LayerNorm::new(
                f32t(&format!("{name}.w"), &[h])?,
                f32t(&format!("{name}.b"), &[h])?,
                c.eps as f64,
            ))
        };
        let linear = |name: &str, out: usize, inp: usize| -> Result<Linear> {
            let e = idx.tensor(&format!("{name}.w"), q4::DType::Q4_0, out * inp)?;
            let blocks = &bytes[e.range.clone()];
            let bias = f32t(&format!("{name}.b"), &[out])?;
            // CPUs with AVX512-BF16: bf16 pairs packed straight from the blocks (110 against
            // 78 sentences/s for f32 at batch 32, see `cpu`). Other CPUs: dequantised once
            // at load (21M weights, ~85 MB); f32 matmul measured 53 sentences/s against 30
            // for candle's Q4_0 x Q8_0 kernel, whose per-row dot products over 12 to 48
            // blocks are dominated by call overhead. Elsewhere the 4-bit blocks stay.
            if device.is_cpu() && use_bf16() {
                let b = bias.to_vec1::<f32>()?;
                if let Some(l) = super::cpu::Bf16Linear::from_q4(blocks, out, inp, b) {
                    return Ok(Linear::Bf16(l));
                }
            }
            let w = qtensor_from_ggml(GgmlDType::Q4_0, blocks, vec![out, inp], device)?;
            Ok(match gpu {
                None => Linear::F32(candle_nn::Linear::new(w.dequantize(device)?, Some(bias))),
                Some(GpuMatmul::Q4) => {
                    Linear::Q4(QLinear::from_arc(std::sync::Arc::new(w), Some(bias))?)
                }
                // Dequantised on the device (the 4-bit blocks travel, a quarter of f16).
                Some(_) => Linear::Dense {
                    w: w.dequantize(device)?.to_dtype(dtype)?,
                    b: bias,
                },
            })
        };
        let word = idx
            .tensor("emb.word", q4::DType::Q4_0, c.vocab * h)?
            .range
            .clone();
        let word_table = match gpu {
            None => None,
            Some(_) => Some(
                qtensor_from_ggml(
                    GgmlDType::Q4_0,
                    &bytes[word.clone()],
                    vec![c.vocab, h],
                    device,
                )?
                .dequantize(device)?
                .to_dtype(dtype)?,
            ),
        };
        let pos = f32t("emb.pos", &[c.max_positions, h])?;
        let ty = f32t("emb.type", &[c.type_vocab, h])?.get(0)?;
        let pos_type = pos.broadcast_add(&ty)?;
        let emb_ln = ln("emb.ln")?;
        let mut layers = Vec::with_capacity(c.layers);
        for l in 0..c.layers {
            let p = format!("l{l}");
            layers.push(Layer {
                q: linear(&format!("{p}.q"), h, h)?,
                k: linear(&format!("{p}.k"), h, h)?,
                v: linear(&format!("{p}.v"), h, h)?,
                ao: linear(&format!("{p}.ao"), h, h)?,
                aln: ln(&format!("{p}.aln"))?,
                fi: linear(&format!("{p}.fi"), c.intermediate, h)?,
                fo: linear(&format!("{p}.fo"), h, c.intermediate)?,
                oln: ln(&format!("{p}.oln"))?,
            });
        }
        Ok(Encoder {
            config: c,
            device: device.clone(),
            dtype,
            weights,
            word,
            word_table,
            pos_type,
            emb_ln,
            layers,
        })
    }

    /// The arithmetic of the linear layers: `bf16`, `f32` or `q4` on the CPU; `cuda-f16`,
    /// `cuda-bf16` or `cuda-q4` on a GPU (the embeddings differ in the fifth decimal
    /// between them).
    pub fn kernel(&self) -> &'static str {
        match (self.layers.first().map(|l| &l.q), self.dtype) {
            (Some(Linear::Bf16(_)), _) => "bf16",
            (Some(Linear::F32(_)) | None, _) => "f32",
            (Some(Linear::Dense { .. }), DType::BF16) => "cuda-bf16",
            (Some(Linear::Dense { .. }), _) => "cuda-f16",
            (Some(Linear::Q4(_)), _) if self.device.is_cpu() => "q4",
            (Some(Linear::Q4(_)), _) => "cuda-q4",
        }
    }

    /// Sequences are padded to a multiple of this many tokens: 8 on a GPU, where tensor
    /// cores want aligned matrix sides; 1 (to the batch's longest) on the CPU.
    pub fn pad_multiple(&self) -> usize {
        if self.device.is_cpu() {
            1
        } else {
            8
        }
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Word embeddings for `ids` (`[batch, len]` flattened), dequantised from the map.
    fn word_rows(&self, ids: &[u32]) -> Result<Vec<f32>> {
        let h = self.config.hidden;
        let row_bytes = h / q4::BLOCK * q4::BLOCK_BYTES;
        let table = &self.weights.as_ref().as_ref()[self.word.clone()];
        let mut out = vec![0f32; ids.len() * h];
        for (i, &id) in ids.iter().enumerate() {
            let id = id as usize;
            if id >= self.config.vocab {
                return Err(super::ModelError::Invalid(format!(
                    "token id {id} outside the embedding table"
                )));
            }
            q4::dequantize_row(
                &table[id * row_bytes..(id + 1) * row_bytes],
                &mut out[i * h..(i + 1) * h],
            );
        }
        Ok(out)
    }

    /// Embeds a batch of token-id sequences (each already wrapped in `<s>` … `</s>` and at
    /// most `max_positions` long). Returns `[batch, hidden]`, L2-normalised.
    pub fn embed(&self, seqs: &[Vec<u32>]) -> Result<Tensor> {
        if seqs.iter().all(Vec::is_empty) {
            return Ok(Tensor::zeros(
                (seqs.len(), self.config.hidden),
                DType::F32,
                &self.device,
            )?);
        }
        let (x, mask) = self.last_hidden(seqs)?;
        let x = x.to_dtype(DType::F32)?;
        // Mean over the real tokens, then L2 normalisation.
        let m = mask.unsqueeze(2)?;
        let sum = x.broadcast_mul(&m)?.sum(1)?;
        let count = m.sum(1)?;
        let mean = sum.broadcast_div(&count)?;
        let norm = mean.sqr()?.sum_keepdim(D::Minus1)?.sqrt()?;
        Ok(mean.broadcast_div(&norm)?)
    }

    /// The last hidden state `[batch, len, hidden]` of a padded batch (in the activations'
    /// dtype), and its mask `[batch, len]` (f32, 1 for real tokens, 0 for padding).
    pub fn last_hidden(&self, seqs: &[Vec<u32>]) -> Result<(Tensor, Tensor)> {
        let c = &self.config;
        let (b, longest) = (seqs.len(), seqs.iter().map(Vec::len).max().unwrap_or(0));
        let len = longest
            .next_multiple_of(self.pad_multiple())
            .min(c.max_positions.max(longest));
        if longest > c.max_positions {
            return Err(super::ModelError::Invalid(format!(
                "sequence of {len} tokens, the model takes {}",
                c.max_positions
            )));
        }
        let mut ids = Vec::with_capacity(b * len);
        let mut mask = Vec::with_capacity(b * len);
        for s in seqs {
            ids.extend_from_slice(s);
            ids.extend(std::iter::repeat_n(PAD, len - s.len()));
            mask.extend(std::iter::repeat_n(1f32, s.len()));
            mask.extend(std::iter::repeat_n(0f32, len - s.len()));
        }
        let words = match &self.word_table {
            Some(table) => {
                if let Some(&bad) = ids.iter().find(|&&id| id as usize >= c.vocab) {
                    return Err(super::ModelError::Invalid(format!(
                        "token id {bad} outside the embedding table"
                    )));
                }
                let ids = Tensor::from_vec(ids, b * len, &self.device)?;
                table.index_select(&ids, 0)?.reshape((b, len, c.hidden))?
            }
            None => Tensor::from_vec(self.word_rows(&ids)?, (b, len, c.hidden), &self.device)?,
        };
        let x = words.broadcast_add(&self.pos_type.narrow(0, 0, len)?)?;
        let mut x = self.emb_ln.forward(&x)?;
        let mask = Tensor::from_vec(mask, (b, len), &self.device)?;
        // 0 where attended, a large negative number where padded: [b, 1, 1, len]. In f16
        // -1e9 would be -inf and 0 * -inf NaN: -1e4 is as good (exp underflows to 0).
        let big = if self.dtype == DType::F32 { -1e9 } else { -1e4 };
        let bias = ((mask.ones_like()? - &mask)? * big)?
            .to_dtype(self.dtype)?
            .reshape((b, 1, 1, len))?;
        let heads = c.heads;
        let hd = c.hidden / heads;
        let scale = 1.0 / (hd as f64).sqrt();
        for l in &self.layers {
            let split = |t: Tensor| -> Result<Tensor> {
                Ok(t.reshape((b, len, heads, hd))?
                    .transpose(1, 2)?
                    .contiguous()?)
            };
            let q = split(l.q.forward(&x)?)?;
            let k = split(l.k.forward(&x)?)?;
            let v = split(l.v.forward(&x)?)?;
            let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(&bias)?;
            let probs = candle_nn::ops::softmax_last_dim(&scores)?;
            let ctx = probs
                .matmul(&v)?
                .transpose(1, 2)?
                .reshape((b, len, c.hidden))?;
            let attn = l.aln.forward(&(l.ao.forward(&ctx)? + &x)?)?;
            let ff =
                l.fo.forward(&super::cpu::gelu_erf(&l.fi.forward(&attn)?)?)?;
            x = l.oln.forward(&(ff + attn)?)?;
        }
        Ok((x, mask))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::q4::{write, Config, DType as QType};

    /// Deterministic pseudo-random values in [-scale, scale].
    fn values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                ((x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40) as f32 / (1u64 << 24) as f32 * 2.0
                    - 1.0)
                    * scale
            })
            .collect()
    }

    /// A tiny BERT in the E5S1 format with random weights: 2 layers, hidden 32.
    pub(crate) fn tiny_model() -> Vec<u8> {
        let c = Config {
            hidden: 32,
            layers: 2,
            heads: 4,
            intermediate: 64,
            vocab: 40,
            max_positions: 16,
            type_vocab: 2,
            eps: 1e-12,
        };
        let h = c.hidden;
        let mut t: Vec<(String, QType, Vec<f32>)> = vec![
            ("emb.word".into(), QType::Q4_0, values(c.vocab * h, 1, 0.5)),
            (
                "emb.pos".into(),
                QType::F32,
                values(c.max_positions * h, 2, 0.1),
            ),
            ("emb.type".into(), QType::F32, values(2 * h, 3, 0.1)),
            ("emb.ln.w".into(), QType::F32, vec![1.0; h]),
            ("emb.ln.b".into(), QType::F32, vec![0.0; h]),
        ];
        for l in 0..c.layers {
            let s = 10 + l as u64 * 20;
            for (i, (name, out, inp)) in [
                ("q", h, h),
                ("k", h, h),
                ("v", h, h),
                ("ao", h, h),
                ("fi", c.intermediate, h),
                ("fo", h, c.intermediate),
            ]
            .into_iter()
            .enumerate()
            {
                t.push((
                    format!("l{l}.{name}.w"),
                    QType::Q4_0,
                    values(out * inp, s + i as u64, 0.3),
                ));
                t.push((
                    format!("l{l}.{name}.b"),
                    QType::F32,
                    values(out, s + 10 + i as u64, 0.05),
                ));
            }
            for name in ["aln", "oln"] {
                t.push((format!("l{l}.{name}.w"), QType::F32, vec![1.0; h]));
                t.push((format!("l{l}.{name}.b"), QType::F32, vec![0.0; h]));
            }
        }
        let pieces: Vec<(String, f32)> = (0..c.vocab)
            .map(|i| (format!("p{i}"), -(i as f32)))
            .collect();
        let pieces: Vec<(&str, f32)> = pieces.iter().map(|(p, s)| (p.as_str(), *s)).collect();
        write(&c, &pieces, &t)
    }

    fn encoder() -> Encoder {
        Encoder::load(Box::new(tiny_model()), &Device::Cpu).unwrap()
    }

    fn rows(t: &Tensor) -> Vec<Vec<f32>> {
        t.to_vec2::<f32>().unwrap()
    }

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-4)
    }

    #[test]
    fn shapes_and_normalisation() {
        let e = encoder();
        let out = e.embed(&[vec![0, 5, 6, 2], vec![0, 7, 2]]).unwrap();
        assert_eq!(out.dims(), &[2, 32]);
        for r in rows(&out) {
            let n: f32 = r.iter().map(|v| v * v).sum::<f32>().sqrt();
            assert!((n - 1.0).abs() < 1e-4, "{n}");
        }
        assert_eq!(e.embed(&[]).unwrap().dims(), &[0, 32]);
    }

    #[test]
    fn pooling_is_the_mean_of_real_tokens() {
        let e = encoder();
        let seqs = vec![vec![0, 5, 6, 9, 2], vec![0, 7, 2]];
        let (hidden, _) = e.last_hidden(&seqs).unwrap();
        let hidden = hidden.to_vec3::<f32>().unwrap();
        let emb = rows(&e.embed(&seqs).unwrap());
        for (i, s) in seqs.iter().enumerate() {
            let mut mean = [0f32; 32];
            for tok in &hidden[i][..s.len()] {
                for (m, v) in mean.iter_mut().zip(tok) {
                    *m += v / s.len() as f32;
                }
            }
            let n = mean.iter().map(|v| v * v).sum::<f32>().sqrt();
            let mean: Vec<f32> = mean.iter().map(|v| v / n).collect();
            assert!(close(&mean, &emb[i]), "sequence {i}");
        }
    }

    #[test]
    fn padding_and_batching_do_not_change_results() {
        let e = encoder();
        let a = vec![0, 5, 6, 9, 11, 2];
        let b = vec![0, 7, 2];
        let c = vec![0, 12, 13, 14, 2];
        let batch = rows(&e.embed(&[a.clone(), b.clone(), c.clone()]).unwrap());
        for (i, s) in [a, b, c].into_iter().enumerate() {
            let single = rows(&e.embed(&[s]).unwrap());
            assert!(
                close(&single[0], &batch[i]),
                "sequence {i}: batch and single differ"
            );
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        let e = encoder();
        assert!(e.embed(&[vec![0, 999, 2]]).is_err());
        assert!(e.embed(&[vec![1; 17]]).is_err());
        assert!(Encoder::load(Box::new(tiny_model()[..200].to_vec()), &Device::Cpu).is_err());
    }
}
