//! Adjoints of the gathering kernels: writes and sums into zeros.

use super::Cpu;
use crate::backend::ScatterBackend;
use crate::memory::zeroed;
use crate::shape::numel;
use crate::{Result, Tensor};

/// Zeros of length `n`, then dst[offset + Σ idx_d·strides_d] = src[i] for each
/// element i of `src` (shape `shape`): the inverse of `layout::strided_copy`.
pub fn strided_scatter(
    src: &[f32],
    n: usize,
    offset: usize,
    shape: &[usize],
    strides: &[usize],
) -> Result<Vec<f32>> {
    let mut dst = zeroed("sliceScatter", n)?;
    let rank = shape.len();
    for (i, &v) in src.iter().enumerate() {
        let (mut rem, mut at) = (i, offset);
        for d in (0..rank).rev() {
            at += (rem % shape[d]) * strides[d];
            rem /= shape[d];
        }
        dst[at] = v;
    }
    Ok(dst)
}

/// src viewed [outer, count, inner]; out [outer, dim, inner] with
/// out[o, index[j], i] += src[o, j, i].
pub fn index_add(
    src: &[f32],
    outer: usize,
    count: usize,
    inner: usize,
    index: &[i32],
    dim: usize,
) -> Result<Vec<f32>> {
    let mut dst = zeroed("indexAdd", outer * dim * inner)?;
    for o in 0..outer {
        for (j, &t) in index.iter().enumerate().take(count) {
            let from = (o * count + j) * inner;
            let to = (o * dim + t as usize) * inner;
            for i in 0..inner {
                dst[to + i] += src[from + i];
            }
        }
    }
    Ok(dst)
}

/// Zeros of `shape`; out[p with its `axis` coordinate replaced by index[p]] += src[p],
/// where src and index share `src_shape`.
pub fn scatter_add(
    src: &[f32],
    src_shape: &[usize],
    index: &[i32],
    shape: &[usize],
    axis: usize,
) -> Result<Vec<f32>> {
    let strides = crate::shape::strides(shape);
    let mut dst = zeroed("scatterAdd", numel(shape))?;
    let mut coord = vec![0usize; src_shape.len()];
    for (p, &v) in src.iter().enumerate() {
        let mut at = 0;
        for (d, &c) in coord.iter().enumerate() {
            at += if d == axis { index[p] as usize } else { c } * strides[d];
        }
        dst[at] += v;
        for d in (0..src_shape.len()).rev() {
            coord[d] += 1;
            if coord[d] < src_shape[d] {
                break;
            }
            coord[d] = 0;
        }
    }
    Ok(dst)
}

impl ScatterBackend for Cpu {
    fn strided_scatter(
        &self,
        src: &Tensor,
        shape: Vec<usize>,
        offset: usize,
        view: &[usize],
    ) -> Result<Tensor> {
        let v = src.cpu_f32_data("sliceScatter", "src")?;
        Ok(Tensor::cpu_f32(
            strided_scatter(v, numel(&shape), offset, src.shape(), view)?,
            shape,
        ))
    }

    fn index_add(
        &self,
        src: &Tensor,
        index: &Tensor,
        outer: usize,
        count: usize,
        inner: usize,
        dim: usize,
        out: Vec<usize>,
    ) -> Result<Tensor> {
        let op = "indexAdd";
        let (v, idx) = (
            src.cpu_f32_data(op, "src")?,
            index.cpu_i32_data(op, "index")?,
        );
        Ok(Tensor::cpu_f32(
            index_add(v, outer, count, inner, idx, dim)?,
            out,
        ))
    }

    fn scatter_add(
        &self,
        src: &Tensor,
        index: &Tensor,
        axis: usize,
        shape: Vec<usize>,
    ) -> Result<Tensor> {
        let op = "scatterAdd";
        let (v, idx) = (
            src.cpu_f32_data(op, "src")?,
            index.cpu_i32_data(op, "index")?,
        );
        Ok(Tensor::cpu_f32(
            scatter_add(v, src.shape(), idx, &shape, axis)?,
            shape,
        ))
    }
}
