//! Shape arithmetic shared by the CPU and CUDA kernels: element counts,
//! contiguous strides, broadcasting and axis normalisation.

use crate::error::{fmt_shape, Error, Result};

/// Most dimensions a tensor may have (the CUDA kernels index with fixed arrays).
pub const MAX_RANK: usize = 8;

pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// Row-major strides of a contiguous tensor.
pub fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// NumPy broadcasting of two shapes.
pub fn broadcast(op: &str, a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let rank = a.len().max(b.len());
    let mut out = vec![0; rank];
    for i in 0..rank {
        let da = if i + a.len() >= rank {
            a[i + a.len() - rank]
        } else {
            1
        };
        let db = if i + b.len() >= rank {
            b[i + b.len() - rank]
        } else {
            1
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(Error::new(
                    op,
                    format!(
                        "shapes cannot be broadcast, a {} vs b {}",
                        fmt_shape(a),
                        fmt_shape(b)
                    ),
                ))
            }
        };
    }
    Ok(out)
}

/// Strides of `shape` read as if it had `out` shape (0 on broadcast axes).
pub fn broadcast_strides(shape: &[usize], out: &[usize]) -> Vec<usize> {
    let own = strides(shape);
    let offset = out.len() - shape.len();
    (0..out.len())
        .map(|i| {
            if i < offset || shape[i - offset] == 1 {
                0
            } else {
                own[i - offset]
            }
        })
        .collect()
}

/// Resolves a possibly negative axis against a rank.
pub fn axis(op: &str, axis: i64, rank: usize) -> Result<usize> {
    let r = rank as i64;
    let a = if axis < 0 { axis + r } else { axis };
    if a < 0 || a >= r.max(1) || (rank == 0) {
        crate::bail!(op, "axis {axis} out of range for a tensor of rank {rank}");
    }
    Ok(a as usize)
}

/// Splits a shape around `axis` into (outer, size, inner) element counts.
pub fn around_axis(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    (
        numel(&shape[..axis]),
        shape[axis],
        numel(&shape[axis + 1..]),
    )
}

pub fn check_rank(op: &str, shape: &[usize]) -> Result<()> {
    if shape.len() > MAX_RANK {
        crate::bail!(op, "rank {} exceeds the maximum {MAX_RANK}", shape.len());
    }
    Ok(())
}
