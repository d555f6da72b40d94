//! conv2d's parameters and its geometry, every size checked once.
//!
//! x [N,C,H,W] ⊛ weight [O,C/groups,kh,kw] → [N,O,Ho,Wo], where
//! Ho = ⌊(H + ph + pb − dh·(kh−1) − 1) / sh⌋ + 1 (likewise Wo), with ph rows of
//! zeros above the input and pb below (pb = ph unless asked otherwise: TensorFlow's
//! "SAME" padding puts the odd row at the bottom), pw left and pr right.

use crate::error::fmt_shape;
use crate::{bail, Result};

/// Stride, padding and dilation as (height, width), and the group count.
/// `padding` is (top, left); `padding_end` (bottom, right) is the same unless
/// the padding is asymmetric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv2dParams {
    pub stride: (usize, usize),
    pub padding: (usize, usize),
    pub padding_end: (usize, usize),
    pub dilation: (usize, usize),
    pub groups: usize,
}

impl Conv2dParams {
    /// The same padding on both sides of each axis.
    pub fn symmetric(
        stride: (usize, usize),
        padding: (usize, usize),
        dilation: (usize, usize),
        groups: usize,
    ) -> Conv2dParams {
        Conv2dParams {
            stride,
            padding,
            padding_end: padding,
            dilation,
            groups,
        }
    }
}

/// An activation conv2d applies to its output in the pass that adds the bias:
/// max(y, 0) or min(max(y, 0), 6) (NaN passes, as the relu and clamp ops).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvActivation {
    Relu,
    Relu6,
}

impl ConvActivation {
    /// The clamp's bounds (lo, hi).
    pub fn bounds(self) -> (f32, f32) {
        match self {
            ConvActivation::Relu => (0.0, f32::INFINITY),
            ConvActivation::Relu6 => (0.0, 6.0),
        }
    }

    /// y clamped to the bounds; NaN stays NaN.
    #[inline(always)]
    pub fn apply(lo: f32, hi: f32, y: f32) -> f32 {
        if y < lo {
            lo
        } else if y > hi {
            hi
        } else {
            y
        }
    }
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
    /// Padding above and to the left (the kernels' offsets).
    pub ph: usize,
    pub pw: usize,
    /// Padding below and to the right (only the output size depends on it).
    pub pb: usize,
    pub pr: usize,
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
        let (pb, pr) = p.padding_end;
        let (ekh, ekw) = (dh * (kh - 1) + 1, dw * (kw - 1) + 1);
        let (hp, wp) = (h + ph + pb, w + pw + pr);
        if ekh > hp || ekw > wp {
            bail!(
                op,
                "kernel larger than the padded input, kernel {ekh}x{ekw} (dilation [{dh},{dw}]) vs x {} padded to {hp}x{wp}",
                fmt_shape(x),
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
            ho: (hp - ekh) / sh + 1,
            wo: (wp - ekw) / sw + 1,
            sh,
            sw,
            ph,
            pw,
            pb,
            pr,
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
        let unpadded = self.ph == 0 && self.pw == 0 && self.pb == 0 && self.pr == 0;
        self.kh == 1 && self.kw == 1 && self.sh == 1 && self.sw == 1 && unpadded
    }
}
