//! The elementwise unary ops: one table ties each op's name, CPU formula and
//! CUDA expression together, so the two backends cannot drift apart.

use crate::math;
use crate::{bail, Result};

/// A loop over elements that `UnaryOp::dispatch` instantiates once per op.
pub trait UnaryLoop {
    type Output;
    fn run(self, f: impl Fn(f32) -> f32 + Copy + Send + Sync) -> Self::Output;
}

macro_rules! unary_ops {
    ($($variant:ident $name:literal |$x:ident, $p:ident| $cpu:expr, $cuda:literal;)*) => {
        /// An elementwise op; `param` is the scalar of the `*Scalar` ops.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum UnaryKind { $($variant),* }

        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct UnaryOp { pub kind: UnaryKind, pub param: f32 }

        impl UnaryKind {
            pub const ALL: &'static [UnaryKind] = &[$(UnaryKind::$variant),*];

            pub fn parse(name: &str) -> Result<UnaryKind> {
                match name {
                    $($name => Ok(UnaryKind::$variant),)*
                    _ => bail!("unary", "unknown op '{name}'"),
                }
            }

            pub fn name(self) -> &'static str {
                match self { $(UnaryKind::$variant => $name),* }
            }

            /// The CUDA C expression of the op in terms of `x` and `p`.
            pub fn cuda_expr(self) -> &'static str {
                match self { $(UnaryKind::$variant => $cuda),* }
            }
        }

        impl UnaryOp {
            /// Runs `l` with this op's formula as a closure of its own type, so
            /// each op gets its own vectorised loop (a `match` per element would not).
            #[allow(unused_variables)]
            pub fn dispatch<L: UnaryLoop>(self, l: L) -> L::Output {
                match self.kind { $(UnaryKind::$variant => { let $p = self.param; l.run(move |$x: f32| $cpu) }),* }
            }
        }
    };
}

unary_ops! {
    Neg "neg" |x, p| -x, "-x";
    Exp "exp" |x, p| math::exp(x), "expf(x)";
    Log "log" |x, p| x.ln(), "logf(x)";
    Sigmoid "sigmoid" |x, p| math::sigmoid(x), "(x >= 0.f ? 1.f / (1.f + expf(-x)) : expf(x) / (1.f + expf(x)))";
    Tanh "tanh" |x, p| math::tanh(x), "tanhf(x)";
    Relu "relu" |x, p| if x > 0.0 || x.is_nan() { x } else { 0.0 }, "(x > 0.f || isnan(x) ? x : 0.f)";
    Sqrt "sqrt" |x, p| x.sqrt(), "sqrtf(x)";
    Rsqrt "rsqrt" |x, p| 1.0 / x.sqrt(), "rsqrtf(x)";
    Abs "abs" |x, p| x.abs(), "fabsf(x)";
    Square "square" |x, p| x * x, "x * x";
    Reciprocal "reciprocal" |x, p| 1.0 / x, "1.f / x";
    Sign "sign" |x, p| if x > 0.0 { 1.0 } else if x < 0.0 { -1.0 } else { x * 0.0 }, "(x > 0.f ? 1.f : (x < 0.f ? -1.f : x * 0.f))";
    Step "step" |x, p| if x > 0.0 { 1.0 } else if x.is_nan() { x } else { 0.0 }, "(x > 0.f ? 1.f : (isnan(x) ? x : 0.f))";
    AddScalar "addScalar" |x, p| x + p, "x + p";
    MulScalar "mulScalar" |x, p| x * p, "x * p";
    PowScalar "powScalar" |x, p| x.powf(p), "powf(x, p)";
    MaxScalar "maxScalar" |x, p| if x > p || x.is_nan() { x } else { p }, "(x > p || isnan(x) ? x : p)";
    MinScalar "minScalar" |x, p| if x < p || x.is_nan() { x } else { p }, "(x < p || isnan(x) ? x : p)";
}
