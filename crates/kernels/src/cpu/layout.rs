//! Data movement: strided copies (permute, slice, expand), concat, index_select
//! and gather. Generic over the element type so int32 labels move like floats.

use super::parallel::for_each_row_mut;

use super::PARALLEL_MIN;

/// Copies the elements of a strided view (`offset`, `strides` per output axis)
/// into a new row-major buffer of shape `out`.
pub fn strided_copy<T: Copy + Send + Sync + Default>(
    src: &[T],
    offset: usize,
    out: &[usize],
    strides: &[usize],
) -> Vec<T> {
    let n: usize = out.iter().product();
    let mut dst = vec![T::default(); n];
    if n == 0 {
        return dst;
    }
    let rank = out.len();
    if rank == 0 {
        dst[0] = src[offset];
        return dst;
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
    dst
}

/// Concatenates row-major blocks: part i is viewed as [outer, widths[i]].
pub fn concat<T: Copy + Default>(parts: &[&[T]], outer: usize, widths: &[usize]) -> Vec<T> {
    let total: usize = widths.iter().sum();
    let mut dst = Vec::with_capacity(outer * total);
    for o in 0..outer {
        for (p, &w) in parts.iter().zip(widths) {
            dst.extend_from_slice(&p[o * w..(o + 1) * w]);
        }
    }
    dst
}

/// out[o, j, i] = x[o, index[j], i] with x viewed [outer, n, inner]
/// (indices already checked to lie in 0..n).
pub fn index_select<T: Copy + Default>(
    x: &[T],
    outer: usize,
    n: usize,
    inner: usize,
    index: &[i32],
) -> Vec<T> {
    let mut dst = Vec::with_capacity(outer * index.len() * inner);
    for o in 0..outer {
        for &j in index {
            let at = (o * n + j as usize) * inner;
            dst.extend_from_slice(&x[at..at + inner]);
        }
    }
    dst
}

/// PyTorch's gather: out[p] = x[p with its `axis` coordinate replaced by index[p]],
/// where out and index share `shape` and x has `x_shape` (indices already checked).
pub fn gather<T: Copy + Default>(
    x: &[T],
    x_shape: &[usize],
    index: &[i32],
    shape: &[usize],
    axis: usize,
) -> Vec<T> {
    let x_strides = crate::shape::strides(x_shape);
    let mut dst = Vec::with_capacity(index.len());
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
    dst
}
