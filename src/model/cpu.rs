//! CPU kernels for the encoder's two hot spots outside candle's f32 matmul, found with
//! `perf` on `benches/model.rs` (batch 32, before: matmul 48%, GELU's scalar `erff` 13% on
//! one thread while the other spun, `expf` 7%):
//!
//! - [`gelu_erf`]: GELU with a branch-free rational erf that the compiler vectorises,
//!   split across threads;
//! - [`Bf16Linear`]: a linear layer whose weights are packed once as bf16 pairs and
//!   multiplied with AVX512-BF16's `vdpbf16ps` (two products per f32 lane per instruction,
//!   accumulated in f32), used where the CPU has it; elsewhere the encoder keeps candle's
//!   f32 matmul.
//!
//! Both are candle `CustomOp1`s, so they slot into the tensor code unchanged.

use candle_core::{CpuStorage, CustomOp1, Layout, Shape};
use rayon::prelude::*;

/// erf(x) for f32: an odd rational function of degree 13/12 on [-4, 4] (outside, erf is
/// ±1 to f32 precision). Max absolute error against libm's `erff` below 1e-6 (tested).
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = -2.726_142_3e-10_f32;
    p = p * x2 + 2.770_681_4e-8;
    p = p * x2 - 2.101_024e-6;
    p = p * x2 - 5.692_506_4e-5;
    p = p * x2 - 7.349_906_3e-4;
    p = p * x2 - 2.954_6e-3;
    p = p * x2 - 1.609_603_3e-2;
    let mut q = -1.456_607_2e-5_f32;
    q = q * x2 - 2.133_740_6e-4;
    q = q * x2 - 1.682_827e-3;
    q = q * x2 - 7.373_329_4e-3;
    q = q * x2 - 1.426_474e-2;
    x * p / q
}

#[inline(always)]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// Elements per parallel chunk: below this a second thread costs more than it saves.
const CHUNK: usize = 1 << 14;

/// GELU (erf form, as BERT uses) over a contiguous f32 tensor.
pub struct GeluErf;

impl CustomOp1 for GeluErf {
    fn name(&self) -> &'static str {
        "answerlint-gelu-erf"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let src = contiguous_f32(s, l, self.name())?;
        let mut out = vec![0f32; src.len()];
        out.par_chunks_mut(CHUNK)
            .zip(src.par_chunks(CHUNK))
            .for_each(|(o, s)| {
                for (o, &s) in o.iter_mut().zip(s) {
                    *o = gelu(s);
                }
            });
        Ok((CpuStorage::F32(out), l.shape().clone()))
    }
}

/// GELU (erf form): [`GeluErf`] on the CPU, candle's `gelu_erf` elsewhere.
pub fn gelu_erf(x: &candle_core::Tensor) -> candle_core::Result<candle_core::Tensor> {
    if x.device().is_cpu() && x.dtype() == candle_core::DType::F32 {
        x.contiguous()?.apply_op1_no_bwd(&GeluErf)
    } else {
        x.gelu_erf()
    }
}

fn contiguous_f32<'a>(s: &'a CpuStorage, l: &Layout, op: &str) -> candle_core::Result<&'a [f32]> {
    match (s, l.contiguous_offsets()) {
        (CpuStorage::F32(v), Some((a, b))) => Ok(&v[a..b]),
        _ => Err(candle_core::Error::Msg(format!(
            "{op}: expects a contiguous f32 tensor"
        ))),
    }
}

/// Output columns per packed panel: two 16-lane registers.
const NR: usize = 32;
/// Rows of the input per register tile: 12 x 2 accumulators + 2 weight registers + 1
/// broadcast fit in AVX-512's 32 registers.
const MR: usize = 12;
/// Rows per parallel task: the task's bf16 rows (96 x 1536 x 2 bytes = 295 KB at most)
/// stay in L2 while every panel passes over them.
const MB: usize = 96;

/// `y = x W^T + b` with `W` held as bf16: `[n / 32][k / 2][32]` pairs of adjacent `k`
/// (low half the even one), the order `vdpbf16ps` multiplies them in.
pub struct Bf16Linear {
    n: usize,
    k: usize,
    packed: Vec<u32>,
    bias: Vec<f32>,
}

/// Whether this CPU runs [`Bf16Linear`].
pub fn bf16_supported() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bf16")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[inline]
fn bf16_bits(x: f32) -> u32 {
    half::bf16::from_f32(x).to_bits() as u32
}

impl Bf16Linear {
    /// Packs `w` (`n x k`, row-major). `None` where the CPU lacks AVX512-BF16 or the shape
    /// does not fit the panels (`n` a multiple of 32, `k` even).
    pub fn new(w: &[f32], n: usize, k: usize, bias: Vec<f32>) -> Option<Bf16Linear> {
        if w.len() != n * k {
            return None;
        }
        Self::pack(n, k, bias, |p, rows| {
            rows.copy_from_slice(&w[p * NR * k..][..NR * k])
        })
    }

    /// Packs 4-bit weights straight from the file's Q4_0 blocks (`n` rows of `k / 32`
    /// blocks), without an f32 copy of the whole matrix.
    pub fn from_q4(blocks: &[u8], n: usize, k: usize, bias: Vec<f32>) -> Option<Bf16Linear> {
        let row_bytes = k / super::q4::BLOCK * super::q4::BLOCK_BYTES;
        if !k.is_multiple_of(super::q4::BLOCK) || blocks.len() != n * row_bytes {
            return None;
        }
        Self::pack(n, k, bias, |p, rows| {
            for (j, row) in rows.chunks_exact_mut(k).enumerate() {
                let b = &blocks[(p * NR + j) * row_bytes..][..row_bytes];
                super::q4::dequantize_row(b, row);
            }
        })
    }

    /// `fill(p, rows)` writes the f32 rows `32p .. 32p + 32` into `rows` (`32 x k`).
    fn pack(
        n: usize,
        k: usize,
        bias: Vec<f32>,
        fill: impl Fn(usize, &mut [f32]) + Sync,
    ) -> Option<Bf16Linear> {
        if !bf16_supported() || !n.is_multiple_of(NR) || !k.is_multiple_of(2) || bias.len() != n {
            return None;
        }
        let kp = k / 2;
        let mut packed = vec![0u32; n * kp];
        packed.par_chunks_mut(kp * NR).enumerate().for_each_init(
            || vec![0f32; NR * k],
            |rows, (p, panel)| {
                fill(p, rows);
                for (kk, pairs) in panel.chunks_exact_mut(NR).enumerate() {
                    for (j, pair) in pairs.iter_mut().enumerate() {
                        let r = &rows[j * k + 2 * kk..];
                        *pair = bf16_bits(r[0]) | bf16_bits(r[1]) << 16;
                    }
                }
            },
        );
        Some(Bf16Linear { n, k, packed, bias })
    }

    /// `x` (`m x k`, row-major) times the weights: `m x n`.
    pub fn matmul(&self, x: &[f32]) -> Vec<f32> {
        let (n, k) = (self.n, self.k);
        let m = x.len() / k;
        let kp = k / 2;
        let mut a = vec![0u32; m * kp];
        a.par_chunks_mut(kp * 64)
            .zip(x.par_chunks(k * 64))
            .for_each(|(a, x)| {
                for (a, x) in a.chunks_mut(kp).zip(x.chunks(k)) {
                    for (a, x) in a.iter_mut().zip(x.chunks_exact(2)) {
                        *a = bf16_bits(x[0]) | bf16_bits(x[1]) << 16;
                    }
                }
            });
        let mut out = vec![0f32; m * n];
        let panels = n / NR;
        let blocks = m.div_ceil(MB);
        // One row block: split its panels so that both cores work on short batches.
        let (tasks, per_block) = if blocks >= 2 {
            (blocks, 1)
        } else {
            let parts = panels.min(rayon::current_num_threads().max(1) * 2);
            (parts, parts)
        };
        let c = SendPtr(out.as_mut_ptr());
        (0..tasks).into_par_iter().for_each(|t| {
            let (block, part) = (t / per_block, t % per_block);
            let rows = block * MB..((block + 1) * MB).min(m);
            let pan = part * panels / per_block..(part + 1) * panels / per_block;
            let c = &c;
            for p in pan {
                let b = &self.packed[p * kp * NR..][..kp * NR];
                let bias = &self.bias[p * NR..][..NR];
                let mut r = rows.start;
                while r < rows.end {
                    let h = (rows.end - r).min(MR);
                    let a = &a[r * kp..(r + h) * kp];
                    // SAFETY: tasks write disjoint (row block, panel) tiles of `out`; the
                    // tile starts at row r, column p * NR, of an m x n row-major matrix.
                    unsafe { tile(h, a, kp, b, bias, c.0.add(r * n + p * NR), n) };
                    r += h;
                }
            }
        });
        out
    }
}

struct SendPtr(*mut f32);
// SAFETY: used only to hand disjoint output tiles to rayon tasks.
unsafe impl Sync for SendPtr {}
unsafe impl Send for SendPtr {}

/// One register tile: `h` (<= MR) rows of `a` times a 32-column panel, plus bias.
///
/// # Safety
/// `c` must point to `h` rows of at least 32 writable f32 each, `ldc` apart; the CPU must
/// have AVX512F and AVX512-BF16 (checked by [`Bf16Linear::new`]).
#[allow(unused_variables)]
unsafe fn tile(h: usize, a: &[u32], kp: usize, b: &[u32], bias: &[f32], c: *mut f32, ldc: usize) {
    #[cfg(target_arch = "x86_64")]
    match h {
        12 => tile_n::<12>(a, kp, b, bias, c, ldc),
        11 => tile_n::<11>(a, kp, b, bias, c, ldc),
        10 => tile_n::<10>(a, kp, b, bias, c, ldc),
        9 => tile_n::<9>(a, kp, b, bias, c, ldc),
        8 => tile_n::<8>(a, kp, b, bias, c, ldc),
        7 => tile_n::<7>(a, kp, b, bias, c, ldc),
        6 => tile_n::<6>(a, kp, b, bias, c, ldc),
        5 => tile_n::<5>(a, kp, b, bias, c, ldc),
        4 => tile_n::<4>(a, kp, b, bias, c, ldc),
        3 => tile_n::<3>(a, kp, b, bias, c, ldc),
        2 => tile_n::<2>(a, kp, b, bias, c, ldc),
        1 => tile_n::<1>(a, kp, b, bias, c, ldc),
        _ => unreachable!("tile of {h} rows"),
    }
    #[cfg(not(target_arch = "x86_64"))]
    unreachable!("Bf16Linear is only built on x86_64")
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bf16")]
unsafe fn tile_n<const H: usize>(
    a: &[u32],
    kp: usize,
    b: &[u32],
    bias: &[f32],
    c: *mut f32,
    ldc: usize,
) {
    use std::arch::x86_64::*;
    debug_assert!(a.len() == H * kp && b.len() == kp * NR && bias.len() == NR);
    let mut acc = [[_mm512_setzero_ps(); 2]; H];
    let (ap, bp) = (a.as_ptr(), b.as_ptr());
    for kk in 0..kp {
        let b0: __m512bh = std::mem::transmute(_mm512_loadu_si512(bp.add(kk * NR).cast()));
        let b1: __m512bh = std::mem::transmute(_mm512_loadu_si512(bp.add(kk * NR + 16).cast()));
        for (r, acc) in acc.iter_mut().enumerate() {
            let x: __m512bh = std::mem::transmute(_mm512_set1_epi32(*ap.add(r * kp + kk) as i32));
            acc[0] = _mm512_dpbf16_ps(acc[0], x, b0);
            acc[1] = _mm512_dpbf16_ps(acc[1], x, b1);
        }
    }
    let bias0 = _mm512_loadu_ps(bias.as_ptr());
    let bias1 = _mm512_loadu_ps(bias.as_ptr().add(16));
    for (r, acc) in acc.iter().enumerate() {
        let row = c.add(r * ldc);
        _mm512_storeu_ps(row, _mm512_add_ps(acc[0], bias0));
        _mm512_storeu_ps(row.add(16), _mm512_add_ps(acc[1], bias1));
    }
}

impl CustomOp1 for Bf16Linear {
    fn name(&self) -> &'static str {
        "answerlint-bf16-linear"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let x = contiguous_f32(s, l, self.name())?;
        let dims = l.shape().dims();
        if dims.last() != Some(&self.k) {
            return Err(candle_core::Error::Msg(format!(
                "{}: input {:?}, expected last dimension {}",
                self.name(),
                dims,
                self.k
            )));
        }
        let mut out_dims = dims.to_vec();
        *out_dims.last_mut().unwrap() = self.n;
        Ok((CpuStorage::F32(self.matmul(x)), Shape::from(out_dims)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Tensor};

    fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).max(1);
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s as f32 / u32::MAX as f32) * 2.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn gelu_matches_candle_libm_erf() {
        let xs: Vec<f32> = (-12_000..=12_000).map(|i| i as f32 / 1000.0).collect();
        let t = Tensor::from_vec(xs.clone(), xs.len(), &Device::Cpu).unwrap();
        let ours = gelu_erf(&t).unwrap().to_vec1::<f32>().unwrap();
        let theirs = t.gelu_erf().unwrap().to_vec1::<f32>().unwrap();
        let worst = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 2e-6, "max |ours - libm| = {worst}");
        assert_eq!(erf(0.0), 0.0);
        assert!((erf(9.0) - 1.0).abs() < 1e-6 && (erf(-9.0) + 1.0).abs() < 1e-6);
        assert!(erf(-0.5) == -erf(0.5) && erf(0.5) > 0.52 && erf(0.5) < 0.53);
    }

    #[test]
    fn bf16_linear_matches_f32_matmul() {
        if !bf16_supported() {
            return; // nothing to test: this CPU has no AVX512-BF16
        }
        // Shapes cover full and partial register tiles, one and several row blocks.
        for (m, n, k) in [(1, 32, 2), (13, 64, 40), (97, 96, 384), (250, 384, 1536)] {
            let w = values(n * k, 1);
            let bias = values(n, 2);
            let x = values(m * k, 3);
            let lin = Bf16Linear::new(&w, n, k, bias.clone()).unwrap();
            let got = lin.matmul(&x);
            for i in 0..m {
                for j in 0..n {
                    let exact: f64 = (0..k)
                        .map(|t| x[i * k + t] as f64 * w[j * k + t] as f64)
                        .sum::<f64>()
                        + bias[j] as f64;
                    // bf16 keeps 8 significant bits: each product is off by < 2^-8
                    // relative, so the sum by < 2^-8 times the sum of |products|.
                    let mag: f64 = (0..k)
                        .map(|t| (x[i * k + t] as f64 * w[j * k + t] as f64).abs())
                        .sum();
                    let err = (got[i * n + j] as f64 - exact).abs();
                    assert!(err <= mag / 128.0 + 1e-6, "({m},{n},{k}) [{i},{j}] {err}");
                }
            }
        }
        assert!(Bf16Linear::new(&[0.0; 33 * 2], 33, 2, vec![0.0; 33]).is_none());
    }

    #[test]
    fn bf16_linear_as_a_candle_op_keeps_leading_dims() {
        if !bf16_supported() {
            return;
        }
        let (n, k) = (64, 8);
        let lin = Bf16Linear::new(&values(n * k, 4), n, k, vec![0.5; n]).unwrap();
        let x = Tensor::from_vec(values(2 * 3 * k, 5), (2, 3, k), &Device::Cpu).unwrap();
        let y = x.apply_op1_no_bwd(&lin).unwrap();
        assert_eq!(y.dims(), &[2, 3, n]);
        let bad = Tensor::zeros((2, 7), candle_core::DType::F32, &Device::Cpu).unwrap();
        assert!(bad.apply_op1_no_bwd(&lin).is_err());
    }
}
