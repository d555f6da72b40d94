//! Data movement: strided copies (permute, slice, expand), concat, index_select
//! and gather. Generic over the element type so int32 labels move like floats.

use super::parallel::for_each_row_mut;

use super::Cpu;
use super::PARALLEL_MIN;
use crate::backend::LayoutBackend;
use crate::memory::{with_capacity, zeroed, Zeroable};
use crate::{Result, Storage, Tensor};

/// The view with neighbouring axes merged where it walks them contiguously
/// (stride[d] = out[d+1]·stride[d+1]) and size-1 axes dropped: a channel slice
/// of [N,C,H,W] becomes N runs of c·H·W values, copied as such rather than
/// row by row of W.
fn coalesce(out: &[usize], strides: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let (mut dims, mut steps): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    for (&n, &stride) in out.iter().zip(strides) {
        if n == 1 {
            continue;
        }
        match (dims.last_mut(), steps.last_mut()) {
            (Some(d), Some(s)) if *s == n * stride => {
                *d *= n;
                *s = stride;
            }
            _ => {
                dims.push(n);
                steps.push(stride);
            }
        }
    }
    (dims, steps)
}

/// Copies the elements of a strided view (`offset`, `strides` per output axis)
/// into a new row-major buffer of shape `out`.
pub fn strided_copy<T: Zeroable + Send + Sync>(
    src: &[T],
    offset: usize,
    out: &[usize],
    strides: &[usize],
) -> Result<Vec<T>> {
    let n: usize = out.iter().product();
    let mut dst = zeroed("stridedCopy", n)?;
    if n == 0 {
        return Ok(dst);
    }
    let (out, strides) = coalesce(out, strides);
    let rank = out.len();
    if rank == 0 {
        dst[0] = src[offset];
        return Ok(dst);
    }
    let last = out[rank - 1];
    let last_stride = strides[rank - 1];
    let row = |(r, chunk): (usize, &mut [T])| {
        // Decompose the row number into the indices of the leading axes.
        let mut rem = r;
        let mut base = offset;
        for d in (0..rank - 1).rev() {
            base += (rem % out[d]) * strides[d];
            rem /= out[d];
        }
        if last_stride == 1 {
            chunk.copy_from_slice(&src[base..base + last]);
        } else {
            for (j, v) in chunk.iter_mut().enumerate() {
                *v = src[base + j * last_stride];
            }
        }
    };
    if n < PARALLEL_MIN || last == 0 {
        dst.chunks_mut(last).enumerate().for_each(row);
    } else {
        for_each_row_mut(&mut dst, last, PARALLEL_MIN / 8, |i, r| row((i, r)));
    }
    Ok(dst)
}

/// Concatenates row-major blocks: part i is viewed as [outer, widths[i]].
pub fn concat<T: Copy>(parts: &[&[T]], outer: usize, widths: &[usize]) -> Result<Vec<T>> {
    let total: usize = widths.iter().sum();
    let mut dst = with_capacity("concat", outer * total)?;
    for o in 0..outer {
        for (p, &w) in parts.iter().zip(widths) {
            dst.extend_from_slice(&p[o * w..(o + 1) * w]);
        }
    }
    Ok(dst)
}

/// out[o, j, i] = x[o, index[j], i] with x viewed [outer, n, inner]
/// (indices already checked to lie in 0..n).
pub fn index_select<T: Copy>(
    x: &[T],
    outer: usize,
    n: usize,
    inner: usize,
    index: &[i32],
) -> Result<Vec<T>> {
    let mut dst = with_capacity("indexSelect", outer * index.len() * inner)?;
    for o in 0..outer {
        for &j in index {
            let at = (o * n + j as usize) * inner;
            dst.extend_from_slice(&x[at..at + inner]);
        }
    }
    Ok(dst)
}

/// PyTorch's gather: out[p] = x[p with its `axis` coordinate replaced by index[p]],
/// where out and index share `shape` and x has `x_shape` (indices already checked).
pub fn gather<T: Copy>(
    x: &[T],
    x_shape: &[usize],
    index: &[i32],
    shape: &[usize],
    axis: usize,
) -> Result<Vec<T>> {
    let x_strides = crate::shape::strides(x_shape);
    let mut dst = with_capacity("gather", index.len())?;
    let mut coord = vec![0usize; shape.len()];
    for &idx in index {
        let mut at = 0;
        for (d, &c) in coord.iter().enumerate() {
            at += if d == axis { idx as usize } else { c } * x_strides[d];
        }
        dst.push(x[at]);
        for d in (0..shape.len()).rev() {
            coord[d] += 1;
            if coord[d] < shape[d] {
                break;
            }
            coord[d] = 0;
        }
    }
    Ok(dst)
}

/// Runs a generic kernel on either element type, keeping the dtype.
macro_rules! on_either_dtype {
    ($t:expr, $op:expr, |$v:ident| $body:expr, $shape:expr) => {
        match $t.storage() {
            Storage::CpuF32($v) => Ok(Tensor::cpu_f32($body?, $shape)),
            Storage::CpuI32($v) => Ok(Tensor::cpu_i32($body?, $shape)),
            #[allow(unreachable_patterns)]
            _ => Err($t.kind_error($op, "x", "a tensor on cpu")),
        }
    };
}

impl LayoutBackend for Cpu {
    fn strided_copy(
        &self,
        x: &Tensor,
        offset: usize,
        out: Vec<usize>,
        view: &[usize],
    ) -> Result<Tensor> {
        on_either_dtype!(
            x,
            "stridedCopy",
            |v| strided_copy(v, offset, &out, view),
            out
        )
    }

    fn concat(
        &self,
        parts: &[&Tensor],
        outer: usize,
        widths: &[usize],
        out: Vec<usize>,
    ) -> Result<Tensor> {
        match parts[0].storage() {
            Storage::CpuF32(_) => {
                let slices: Vec<&[f32]> = parts
                    .iter()
                    .map(|p| p.cpu_f32_data("concat", "tensors"))
                    .collect::<Result<_>>()?;
                Ok(Tensor::cpu_f32(concat(&slices, outer, widths)?, out))
            }
            _ => {
                let slices: Vec<&[i32]> = parts
                    .iter()
                    .map(|p| p.cpu_i32_data("concat", "tensors"))
                    .collect::<Result<_>>()?;
                Ok(Tensor::cpu_i32(concat(&slices, outer, widths)?, out))
            }
        }
    }

    fn index_select(
        &self,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
        index: &Tensor,
        out: Vec<usize>,
    ) -> Result<Tensor> {
        let idx = index.cpu_i32_data("indexSelect", "index")?;
        on_either_dtype!(
            x,
            "indexSelect",
            |v| index_select(v, outer, n, inner, idx),
            out
        )
    }

    fn gather(&self, x: &Tensor, index: &Tensor, axis: usize, out: Vec<usize>) -> Result<Tensor> {
        let idx = index.cpu_i32_data("gather", "index")?;
        on_either_dtype!(
            x,
            "gather",
            |v| gather(v, x.shape(), idx, &out, axis),
            out.clone()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_axes_merge() {
        // Channels 2..5 of [4, 8, 3, 5]: per sample one run of 3·3·5 values.
        assert_eq!(
            coalesce(&[4, 3, 3, 5], &[120, 15, 5, 1]),
            (vec![4, 45], vec![120, 1])
        );
        // A transpose stays as it is; size-1 axes drop out.
        assert_eq!(coalesce(&[5, 1, 4], &[1, 7, 5]), (vec![5, 4], vec![1, 5]));
        assert_eq!(coalesce(&[1, 1], &[3, 1]), (vec![], vec![]));
        // Every other column: one run of stride 2 over rows of 8, but not over rows of 10.
        assert_eq!(coalesce(&[3, 4], &[8, 2]), (vec![12], vec![2]));
        assert_eq!(coalesce(&[3, 4], &[10, 2]), (vec![3, 4], vec![10, 2]));
    }

    #[test]
    fn strided_copy_of_merged_and_scalar_views() {
        let src: Vec<i32> = (0..4 * 8 * 3 * 5).collect();
        let got = strided_copy(&src, 2 * 15, &[4, 3, 3, 5], &[120, 15, 5, 1]).unwrap();
        let want: Vec<i32> = (0..4)
            .flat_map(|b| (b * 120 + 30..b * 120 + 75).collect::<Vec<_>>())
            .collect();
        assert_eq!(got, want);
        assert_eq!(strided_copy(&src, 7, &[1, 1], &[3, 1]).unwrap(), vec![7]);
    }
}
