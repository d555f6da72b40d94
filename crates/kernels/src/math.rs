//! exp, sigmoid and tanh for f32 that the compiler can vectorise (libm's are
//! calls, one element at a time): Cephes' expf — range reduction by ln 2 and a
//! degree-6 polynomial, within 2 ulp — written branch-free, with IEEE behaviour
//! at the edges: overflow gives +∞, underflow gives denormals then 0, NaN stays NaN.

/// e^x.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // Round to nearest by the 1.5·2^23 trick (SSE2 has no vector round).
    const MAGIC: f32 = 12_582_912.0;
    // Beyond these e^x is +∞ or 0 in f32 (the scaling below produces them).
    // (A NaN is computed as 0 and restored at the end, so `n` is always a small integer.)
    let xc = if x.is_nan() {
        0.0
    } else {
        x.clamp(-104.0, 89.0)
    };
    let n = (xc * LOG2E + MAGIC) - MAGIC;
    let r = xc - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let mut p = 1.987_569_2e-4_f32;
    p = p * r + 1.398_2e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 0.166_666_65;
    p = p * r + 0.5;
    let e = p * r * r + r + 1.0;
    // 2^n in two factors, each a normal float: n spans [-150, 129], past one
    // factor's exponent range, so denormal results and overflow to ∞ come out right.
    // SAFETY: n is an integer in [-151, 129] (xc is clamped and not NaN), so it
    // fits an i32; the unchecked form keeps the conversion one vector instruction.
    let k = unsafe { n.to_int_unchecked::<i32>() };
    let k1 = k >> 1;
    let scale = |k: i32| f32::from_bits(((k + 127) as u32) << 23);
    let v = e * scale(k1) * scale(k - k1);
    if x.is_nan() {
        x
    } else {
        v
    }
}

/// 1 / (1 + e^−x): 0 and 1 in the limits, no overflow.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// tanh(x) = 1 − 2/(1 + e^{2x}); near 0 its odd series, so small values keep
/// their relative accuracy.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let x2 = x * x;
    let series = x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0)));
    let wide = 1.0 - 2.0 / (1.0 + exp(2.0 * x));
    if x.abs() < 0.0625 {
        series
    } else {
        wide
    }
}

/// Σ term(v) over x in f64, in eight interleaved partial sums so the loop
/// vectorises (a single running sum is a dependency chain the compiler keeps).
#[inline(always)]
pub fn sum_f64(x: &[f32], term: impl Fn(f32) -> f64) -> f64 {
    let mut lanes = [0f64; 8];
    let chunks = x.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().map(|&v| term(v)).sum();
    for c in chunks {
        for (l, &v) in lanes.iter_mut().zip(c) {
            *l += term(v);
        }
    }
    lanes.iter().sum::<f64>() + tail
}

#[cfg(test)]
mod tests {
    use super::{exp, sigmoid, tanh};

    /// Against f64 on a dense grid of [-100, 100] plus tiny values and the edges.
    #[test]
    fn functions_are_accurate() {
        let mut xs: Vec<f32> = (-200_000..=200_000).map(|i| i as f32 * 5e-4).collect();
        xs.extend([
            1e-30, -1e-30, 1e-8, -3e-6, 0.0624, 0.0626, 87.0, -87.0, 88.5, -95.0, -102.0, 300.0,
            -300.0,
        ]);
        for &x in &xs {
            let xd = x as f64;
            let e = xd.exp();
            let want = e as f32; // the f32 value, denormal or ∞ where that is what f32 holds
            let got = exp(x);
            if want.is_infinite() || want == 0.0 {
                assert_eq!(got, want, "exp({x})");
            } else if want.is_normal() {
                assert!(
                    ((got as f64) - e).abs() <= 3e-7 * e,
                    "exp({x}) = {got}, want {e}"
                );
            } else {
                assert!(
                    (got - want).abs() <= 2.0 * f32::from_bits(1),
                    "exp({x}) denormal"
                );
            }
            let s = 1.0 / (1.0 + (-xd).exp());
            assert!(
                ((sigmoid(x) as f64) - s).abs() <= 3e-7 * s + 1e-37,
                "sigmoid({x})"
            );
            let t = xd.tanh();
            assert!(
                ((tanh(x) as f64) - t).abs() <= 2e-7 + 1e-6 * t.abs(),
                "tanh({x})"
            );
        }
    }

    #[test]
    fn edges() {
        assert_eq!(exp(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp(f32::NEG_INFINITY), 0.0);
        assert!(exp(f32::NAN).is_nan());
        assert_eq!(exp(89.0), f32::INFINITY);
        assert_eq!(exp(0.0), 1.0);
        assert!(sigmoid(f32::NAN).is_nan() && tanh(f32::NAN).is_nan());
        assert_eq!((sigmoid(-200.0), sigmoid(200.0)), (0.0, 1.0));
        assert_eq!((tanh(-50.0), tanh(50.0)), (-1.0, 1.0));
    }
}
