//! Elementwise binary kernels with broadcasting. Same-shape and scalar operands
//! take flat fast paths; anything else walks the output row by row with
//! per-operand strides (0 on broadcast axes).
//! Each op runs its own monomorphised loop (`BinaryOp::dispatch`), so it vectorises.

use ndarray::{ArrayViewD, IxDyn};

use super::parallel::{for_each_chunk_mut, for_each_row_mut};

use super::unary::{map, map_into_best};
use super::Cpu;
use super::PARALLEL_MIN;
use crate::backend::BinaryBackend;
use crate::desc::binary::{BinaryLoop, BinaryOp};
use crate::{Result, Tensor};

struct Operands<'a> {
    op: &'a str,
    a: &'a [f32],
    sa: &'a [usize],
    b: &'a [f32],
    sb: &'a [usize],
    out: &'a [usize],
}

impl BinaryLoop for Operands<'_> {
    type Output = Result<Vec<f32>>;
    fn run(self, f: impl Fn(f32, f32) -> f32 + Copy + Send + Sync) -> Result<Vec<f32>> {
        let Operands {
            op,
            a,
            sa,
            b,
            sb,
            out,
        } = self;
        let n: usize = out.iter().product();
        if sa == sb {
            return zip_flat(op, a, b, f);
        }
        if b.len() == 1 && a.len() == n {
            let y = b[0];
            return map(op, a, move |x| f(x, y));
        }
        if a.len() == 1 && b.len() == n {
            let x = a[0];
            return map(op, b, move |y| f(x, y));
        }
        broadcast(op, a, sa, b, sb, out, f)
    }
}

pub fn apply(
    op: BinaryOp,
    a: &[f32],
    sa: &[usize],
    b: &[f32],
    sb: &[usize],
    out: &[usize],
) -> Result<Vec<f32>> {
    op.dispatch(Operands {
        op: op.name(),
        a,
        sa,
        b,
        sb,
        out,
    })
}

/// The general case: the output walked row by row (its last axis), each
/// operand read with its own strides (0 on broadcast axes).
fn broadcast(
    op: &str,
    a: &[f32],
    sa: &[usize],
    b: &[f32],
    sb: &[usize],
    out: &[usize],
    f: impl Fn(f32, f32) -> f32 + Copy + Send + Sync,
) -> Result<Vec<f32>> {
    let n: usize = out.iter().product();
    let rank = out.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    if rank == 0 {
        return Ok(vec![f(a[0], b[0])]);
    }
    // Each operand's strides in out's index space, from ndarray's broadcasting
    // views (NumPy's rules: shapes right-aligned, stride 0 on broadcast axes).
    let strides = |v: &[f32], s: &[usize]| -> Vec<usize> {
        let view = ArrayViewD::from_shape(IxDyn(s), v).expect("shape checked by ops::binary");
        let view = view
            .broadcast(IxDyn(out))
            .expect("broadcast checked by ops::binary");
        view.strides().iter().map(|&st| st as usize).collect()
    };
    let (ta, tb) = (strides(a, sa), strides(b, sb));
    let last = out[rank - 1];
    let row = |r: usize, dst: &mut [f32]| {
        let (mut oa, mut ob, mut rem) = (0, 0, r);
        for d in (0..rank - 1).rev() {
            let i = rem % out[d];
            rem /= out[d];
            oa += i * ta[d];
            ob += i * tb[d];
        }
        match (ta[rank - 1] != 0, tb[rank - 1] != 0) {
            (true, true) => zip_into_best(dst, &a[oa..oa + last], &b[ob..ob + last], f),
            (true, false) => {
                let y = b[ob];
                map_into_best(dst, &a[oa..oa + last], move |x| f(x, y))
            }
            (false, true) => {
                let x = a[oa];
                map_into_best(dst, &b[ob..ob + last], move |y| f(x, y))
            }
            (false, false) => dst.fill(f(a[oa], b[ob])),
        }
    };
    let mut result = crate::memory::zeroed(op, n)?;
    if n < PARALLEL_MIN {
        result
            .chunks_mut(last)
            .enumerate()
            .for_each(|(r, d)| row(r, d));
    } else {
        for_each_row_mut(&mut result, last, PARALLEL_MIN / 8, row);
    }
    Ok(result)
}

/// f over a and b element by element (same length): one vectorised pass, in
/// chunks on the pool above PARALLEL_MIN.
pub(crate) fn zip_flat(
    op: &str,
    a: &[f32],
    b: &[f32],
    f: impl Fn(f32, f32) -> f32 + Copy + Send + Sync,
) -> Result<Vec<f32>> {
    let mut out = crate::memory::zeroed(op, a.len())?;
    let chunk = |((o, a), b): ((&mut [f32], &[f32]), &[f32])| zip_into_best(o, a, b, f);
    if a.len() < PARALLEL_MIN {
        chunk(((&mut out, a), b));
    } else {
        let n = PARALLEL_MIN / 4;
        for_each_chunk_mut(&mut out, n, |i, o| {
            let r = i * n..i * n + o.len();
            chunk(((o, &a[r.clone()]), &b[r]))
        });
    }
    Ok(out)
}

#[inline(always)]
fn zip_into<F: Fn(f32, f32) -> f32>(o: &mut [f32], a: &[f32], b: &[f32], f: F) {
    for ((o, &x), &y) in o.iter_mut().zip(a).zip(b) {
        *o = f(x, y);
    }
}

super::multiversion!(zip_into_best<F: Fn(f32, f32) -> f32>, zip_into, (o: &mut [f32], a: &[f32], b: &[f32], f: F));

impl BinaryBackend for Cpu {
    fn binary(
        &self,
        op: BinaryOp,
        a: &Tensor,
        b: &Tensor,
        out_shape: Vec<usize>,
    ) -> Result<Tensor> {
        let (x, y) = (
            a.cpu_f32_data(op.name(), "a")?,
            b.cpu_f32_data(op.name(), "b")?,
        );
        Ok(Tensor::cpu_f32(
            apply(op, x, a.shape(), y, b.shape(), &out_shape)?,
            out_shape,
        ))
    }
}
