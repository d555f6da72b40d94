//! 2-D max and average pooling and their gradients.

use crate::desc::pool::Pool2dGeom;
use crate::{Result, Tensor};

pub trait PoolBackend {
    /// (maxima [N,C,Ho,Wo], int32 index h·W + w of each in its plane).
    fn max_pool2d(&self, x: &Tensor, geo: &Pool2dGeom) -> Result<(Tensor, Tensor)>;

    /// dx [N,C,H,W]: each grad element added at its saved argmax.
    fn max_pool2d_backward(
        &self,
        grad: &Tensor,
        indices: &Tensor,
        geo: &Pool2dGeom,
    ) -> Result<Tensor>;

    /// Window means; the divisor counts padding when `include_pad`.
    fn avg_pool2d(&self, x: &Tensor, geo: &Pool2dGeom, include_pad: bool) -> Result<Tensor>;

    /// dx [N,C,H,W]: each grad element spread evenly over its window.
    fn avg_pool2d_backward(
        &self,
        grad: &Tensor,
        geo: &Pool2dGeom,
        include_pad: bool,
    ) -> Result<Tensor>;
}
