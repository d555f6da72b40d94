//! 2-D convolution (cross-correlation, as PyTorch's `conv2d`) and its two
//! backward kernels, with stride, zero padding, dilation and groups.
//!
//! x [N,C,H,W] ⊛ weight [O,C/groups,kh,kw] → [N,O,Ho,Wo], where
//! Ho = ⌊(H + 2·ph − dh·(kh−1) − 1) / sh⌋ + 1 (likewise Wo). Group g reads input
//! channels g·C/groups.. and writes output channels g·O/groups.. .

use crate::error::fmt_shape;
use crate::{bail, cpu, Result, Storage, Tensor};

/// Stride, padding and dilation as (height, width), and the group count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv2dParams {
    pub stride: (usize, usize),
    pub padding: (usize, usize),
    pub dilation: (usize, usize),
    pub groups: usize,
}

/// Every size a conv2d kernel needs, checked once in `Conv2dGeom::new`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv2dGeom {
    pub n: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub o: usize,
    pub kh: usize,
    pub kw: usize,
    pub ho: usize,
    pub wo: usize,
    pub sh: usize,
    pub sw: usize,
    pub ph: usize,
    pub pw: usize,
    pub dh: usize,
    pub dw: usize,
    pub groups: usize,
}

impl Conv2dGeom {
    /// Validates x [N,C,H,W] against weight [O,C/groups,kh,kw] and the params.
    pub fn new(op: &str, x: &[usize], weight: &[usize], p: Conv2dParams) -> Result<Conv2dGeom> {
        if x.len() != 4 {
            bail!(op, "x must have rank 4 [N,C,H,W], got {}", fmt_shape(x));
        }
        if weight.len() != 4 {
            bail!(
                op,
                "weight must have rank 4 [O,C/groups,kh,kw], got {}",
                fmt_shape(weight)
            );
        }
        let (sh, sw) = p.stride;
        let (dh, dw) = p.dilation;
        if sh == 0 || sw == 0 {
            bail!(op, "stride must be positive, got [{sh},{sw}]");
        }
        if dh == 0 || dw == 0 {
            bail!(op, "dilation must be positive, got [{dh},{dw}]");
        }
        let groups = p.groups;
        let (n, c, h, w) = (x[0], x[1], x[2], x[3]);
        let (o, kh, kw) = (weight[0], weight[2], weight[3]);
        if groups == 0 || c % groups != 0 || o % groups != 0 {
            bail!(
                op,
                "groups = {groups} must divide the input channels of x {} and the output channels of weight {}",
                fmt_shape(x),
                fmt_shape(weight)
            );
        }
        if weight[1] != c / groups {
            bail!(
                op,
                "channel mismatch, x {} has {c} channels, so weight {} needs {} (C/groups, groups = {groups}) at axis 1",
                fmt_shape(x),
                fmt_shape(weight),
                c / groups
            );
        }
        if kh == 0 || kw == 0 {
            bail!(op, "weight {} has an empty kernel", fmt_shape(weight));
        }
        let (ph, pw) = p.padding;
        let (ekh, ekw) = (dh * (kh - 1) + 1, dw * (kw - 1) + 1);
        if ekh > h + 2 * ph || ekw > w + 2 * pw {
            bail!(
                op,
                "kernel larger than the padded input, kernel {ekh}x{ekw} (dilation [{dh},{dw}]) vs x {} padded to {}x{}",
                fmt_shape(x),
                h + 2 * ph,
                w + 2 * pw
            );
        }
        Ok(Conv2dGeom {
            n,
            c,
            h,
            w,
            o,
            kh,
            kw,
            ho: (h + 2 * ph - ekh) / sh + 1,
            wo: (w + 2 * pw - ekw) / sw + 1,
            sh,
            sw,
            ph,
            pw,
            dh,
            dw,
            groups,
        })
    }

    pub fn x_shape(&self) -> Vec<usize> {
        vec![self.n, self.c, self.h, self.w]
    }

    pub fn weight_shape(&self) -> Vec<usize> {
        vec![self.o, self.c / self.groups, self.kh, self.kw]
    }

    pub fn out_shape(&self) -> Vec<usize> {
        vec![self.n, self.o, self.ho, self.wo]
    }

    /// Rows of one group's im2col matrix: C/groups·kh·kw.
    pub fn col_rows(&self) -> usize {
        self.c / self.groups * self.kh * self.kw
    }

    /// Whether im2col is the identity (1×1 kernel, stride 1, no padding).
    pub fn is_pointwise(&self) -> bool {
        self.kh == 1 && self.kw == 1 && self.sh == 1 && self.sw == 1 && self.ph == 0 && self.pw == 0
    }
}

fn check_device(op: &str, a: &Tensor, a_name: &str, b: &Tensor, b_name: &str) -> Result<()> {
    if a.device() != b.device() {
        bail!(
            op,
            "{a_name} on {} but {b_name} on {}",
            a.device().name(),
            b.device().name()
        );
    }
    Ok(())
}

fn check_shape(op: &str, arg: &str, t: &Tensor, want: &[usize]) -> Result<()> {
    if t.shape() != want {
        bail!(
            op,
            "{arg} has shape {}, expected {}",
            fmt_shape(t.shape()),
            fmt_shape(want)
        );
    }
    Ok(())
}

/// conv2d(x, weight) + bias (bias [O], optional).
pub fn conv2d(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    p: Conv2dParams,
) -> Result<Tensor> {
    let op = "conv2d";
    let g = Conv2dGeom::new(op, x.shape(), weight.shape(), p)?;
    check_device(op, x, "x", weight, "weight")?;
    if let Some(b) = bias {
        check_device(op, x, "x", b, "bias")?;
        if b.shape() != [g.o] {
            bail!(
                op,
                "bias must have shape [{}] (weight {} has {} output channels), got {}",
                g.o,
                fmt_shape(weight.shape()),
                g.o,
                fmt_shape(b.shape())
            );
        }
    }
    match (x.storage(), weight.storage()) {
        (Storage::CpuF32(xv), Storage::CpuF32(wv)) => {
            let bv = bias.map(|b| b.cpu_f32_data(op, "bias")).transpose()?;
            Ok(Tensor::cpu_f32(
                cpu::conv::forward(xv, wv, bv, &g),
                g.out_shape(),
            ))
        }
        #[cfg(feature = "cuda")]
        (Storage::CudaF32(_), Storage::CudaF32(_)) => {
            crate::cuda::conv::forward(x, weight, bias, &g)
        }
        (Storage::CpuF32(_), _) => Err(weight.kind_error(op, "weight", "a float32 tensor")),
        _ => Err(x.kind_error(op, "x", "a float32 tensor")),
    }
}

/// The gradient of conv2d with respect to x: grad [N,O,Ho,Wo], weight → [N,C,H,W]
/// for an input of shape `x_shape`.
pub fn conv2d_backward_input(
    grad: &Tensor,
    weight: &Tensor,
    x_shape: &[usize],
    p: Conv2dParams,
) -> Result<Tensor> {
    let op = "conv2dBackwardInput";
    let g = Conv2dGeom::new(op, x_shape, weight.shape(), p)?;
    check_shape(op, "grad", grad, &g.out_shape())?;
    check_device(op, grad, "grad", weight, "weight")?;
    match (grad.storage(), weight.storage()) {
        (Storage::CpuF32(gv), Storage::CpuF32(wv)) => Ok(Tensor::cpu_f32(
            cpu::conv::backward_input(gv, wv, &g),
            g.x_shape(),
        )),
        #[cfg(feature = "cuda")]
        (Storage::CudaF32(_), Storage::CudaF32(_)) => {
            crate::cuda::conv::backward_input(grad, weight, &g)
        }
        (Storage::CpuF32(_), _) => Err(weight.kind_error(op, "weight", "a float32 tensor")),
        _ => Err(grad.kind_error(op, "grad", "a float32 tensor")),
    }
}

/// The gradient of conv2d with respect to weight: grad [N,O,Ho,Wo], x → weight
/// of shape `weight_shape`.
pub fn conv2d_backward_weight(
    grad: &Tensor,
    x: &Tensor,
    weight_shape: &[usize],
    p: Conv2dParams,
) -> Result<Tensor> {
    let op = "conv2dBackwardWeight";
    let g = Conv2dGeom::new(op, x.shape(), weight_shape, p)?;
    check_shape(op, "grad", grad, &g.out_shape())?;
    check_device(op, grad, "grad", x, "x")?;
    match (grad.storage(), x.storage()) {
        (Storage::CpuF32(gv), Storage::CpuF32(xv)) => Ok(Tensor::cpu_f32(
            cpu::conv::backward_weight(gv, xv, &g),
            g.weight_shape(),
        )),
        #[cfg(feature = "cuda")]
        (Storage::CudaF32(_), Storage::CudaF32(_)) => {
            crate::cuda::conv::backward_weight(grad, x, &g)
        }
        (Storage::CpuF32(_), _) => Err(x.kind_error(op, "x", "a float32 tensor")),
        _ => Err(grad.kind_error(op, "grad", "a float32 tensor")),
    }
}

/// The gradient of conv2d for bias: grad [N,O,Ho,Wo] summed over N, Ho and Wo → [O].
pub fn conv2d_backward_bias(grad: &Tensor) -> Result<Tensor> {
    let op = "conv2dBackwardBias";
    if grad.shape().len() != 4 {
        bail!(
            op,
            "grad must have rank 4 [N,O,Ho,Wo], got {}",
            fmt_shape(grad.shape())
        );
    }
    let (n, o, hw) = (
        grad.shape()[0],
        grad.shape()[1],
        grad.shape()[2] * grad.shape()[3],
    );
    match grad.storage() {
        Storage::CpuF32(v) => Ok(Tensor::cpu_f32(
            cpu::conv::backward_bias(v, n, o, hw),
            vec![o],
        )),
        #[cfg(feature = "cuda")]
        Storage::CudaF32(_) => crate::ops::reduce::reduce("sum", grad, &[0, 2, 3], false),
        _ => Err(grad.kind_error(op, "grad", "a float32 tensor")),
    }
}
