//! 2-D pooling's parameters and geometry, with PyTorch's output sizes:
//! Ho = ⌊(H + 2·ph − kh) / sh⌋ + 1, or ⌈…⌉ + 1 in ceil mode, where the last window
//! must still start inside the input or its left padding (else Ho − 1).

use crate::error::fmt_shape;
use crate::{bail, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool2dParams {
    pub kernel: (usize, usize),
    pub stride: (usize, usize),
    pub padding: (usize, usize),
    pub ceil_mode: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool2dGeom {
    pub n: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub ho: usize,
    pub wo: usize,
    pub kh: usize,
    pub kw: usize,
    pub sh: usize,
    pub sw: usize,
    pub ph: usize,
    pub pw: usize,
}

/// PyTorch's pooling_output_shape; None when no window fits.
fn out_size(size: usize, k: usize, pad: usize, stride: usize, ceil: bool) -> Option<usize> {
    let span = (size + 2 * pad).checked_sub(k)?;
    let mut out = if ceil {
        span.div_ceil(stride)
    } else {
        span / stride
    } + 1;
    if ceil && (out - 1) * stride >= size + pad {
        out -= 1;
    }
    Some(out)
}

impl Pool2dGeom {
    pub fn new(op: &str, x: &[usize], p: Pool2dParams) -> Result<Pool2dGeom> {
        if x.len() != 4 {
            bail!(op, "x must have rank 4 [N,C,H,W], got {}", fmt_shape(x));
        }
        let ((kh, kw), (sh, sw), (ph, pw)) = (p.kernel, p.stride, p.padding);
        if kh == 0 || kw == 0 {
            bail!(op, "kernel must be positive, got [{kh},{kw}]");
        }
        if sh == 0 || sw == 0 {
            bail!(op, "stride must be positive, got [{sh},{sw}]");
        }
        if 2 * ph > kh || 2 * pw > kw {
            bail!(
                op,
                "padding must be at most half the kernel, got padding [{ph},{pw}] for kernel [{kh},{kw}]"
            );
        }
        let (h, w) = (x[2], x[3]);
        match (
            out_size(h, kh, ph, sh, p.ceil_mode),
            out_size(w, kw, pw, sw, p.ceil_mode),
        ) {
            (Some(ho), Some(wo)) if ho > 0 && wo > 0 => Ok(Pool2dGeom {
                n: x[0],
                c: x[1],
                h,
                w,
                ho,
                wo,
                kh,
                kw,
                sh,
                sw,
                ph,
                pw,
            }),
            _ => bail!(
                op,
                "kernel larger than the padded input, kernel [{kh},{kw}] vs x {} padded to {}x{}",
                fmt_shape(x),
                h + 2 * ph,
                w + 2 * pw
            ),
        }
    }

    pub fn x_shape(&self) -> Vec<usize> {
        vec![self.n, self.c, self.h, self.w]
    }

    pub fn out_shape(&self) -> Vec<usize> {
        vec![self.n, self.c, self.ho, self.wo]
    }

    /// Rows [start, end) of output row `oh`'s window, clipped to the input; the
    /// unclipped end is clipped to the padded input (the average's divisor with padding).
    pub fn rows(&self, oh: usize) -> (usize, usize, usize) {
        window(oh, self.sh, self.ph, self.kh, self.h)
    }

    pub fn cols(&self, ow: usize) -> (usize, usize, usize) {
        window(ow, self.sw, self.pw, self.kw, self.w)
    }
}

/// (start, end, padded span) of window `o` along one axis.
fn window(o: usize, stride: usize, pad: usize, k: usize, size: usize) -> (usize, usize, usize) {
    let start = (o * stride) as isize - pad as isize;
    let end_padded = (start + k as isize).min((size + pad) as isize);
    let span = (end_padded - start) as usize;
    let (s, e) = (
        start.max(0) as usize,
        (end_padded.max(0) as usize).min(size),
    );
    (s, e.max(s), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_sizes_follow_pytorch() {
        // torch.nn.functional.max_pool2d output sizes.
        assert_eq!(out_size(5, 2, 0, 2, false), Some(2));
        assert_eq!(out_size(5, 2, 0, 2, true), Some(3));
        assert_eq!(out_size(6, 3, 1, 2, true), Some(4)); // last window starts at 5 < 6 + 1
        assert_eq!(out_size(4, 2, 1, 2, true), Some(3)); // (3-1)·2 = 4 ≥ 4 + 1? no: 3
        assert_eq!(out_size(5, 3, 1, 3, true), Some(2)); // ceil(4/3)+1 = 3, window 2 starts at 6 ≥ 5 + 1
        assert_eq!(out_size(2, 3, 0, 1, false), None);
        assert_eq!(out_size(112, 3, 0, 2, true), Some(56));
    }
}
