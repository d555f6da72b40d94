//! The resolved shape of a (batched, optionally transposed) matrix product.

use crate::error::fmt_shape;
use crate::{bail, Result};

/// The resolved problem: batch count, dims and per-batch strides (0 broadcasts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatmulPlan {
    pub batch: usize,
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub a_stride: usize,
    pub b_stride: usize,
}

pub fn plan(a: &[usize], b: &[usize], trans_a: bool, trans_b: bool) -> Result<MatmulPlan> {
    let err = || {
        crate::Error::new(
            "matmul",
            format!(
                "shape mismatch, a {}{} vs b {}{}",
                fmt_shape(a),
                if trans_a { "ᵀ" } else { "" },
                fmt_shape(b),
                if trans_b { "ᵀ" } else { "" }
            ),
        )
    };
    if !(2..=3).contains(&a.len()) || !(2..=3).contains(&b.len()) {
        bail!(
            "matmul",
            "operands must have rank 2 or 3, got a {} and b {}",
            fmt_shape(a),
            fmt_shape(b)
        );
    }
    let mat = |s: &[usize], t: bool| {
        let (r, c) = (s[s.len() - 2], s[s.len() - 1]);
        if t {
            (c, r)
        } else {
            (r, c)
        }
    };
    let (m, k) = mat(a, trans_a);
    let (kb, n) = mat(b, trans_b);
    if k != kb {
        return Err(err());
    }
    let ba = if a.len() == 3 { a[0] } else { 1 };
    let bb = if b.len() == 3 { b[0] } else { 1 };
    if a.len() == 3 && b.len() == 3 && ba != bb {
        return Err(err());
    }
    let batch = ba.max(bb);
    Ok(MatmulPlan {
        batch,
        m,
        n,
        k,
        a_stride: if a.len() == 3 { m * k } else { 0 },
        b_stride: if b.len() == 3 { k * n } else { 0 },
    })
}
