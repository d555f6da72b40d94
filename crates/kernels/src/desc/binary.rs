//! The elementwise binary ops (NumPy broadcasting; comparisons give 0/1 floats):
//! one table of name, CPU formula and CUDA expression.

use crate::{bail, Result};

/// A loop over elements that `BinaryOp::dispatch` instantiates once per op.
pub trait BinaryLoop {
    type Output;
    fn run(self, f: impl Fn(f32, f32) -> f32 + Copy + Send + Sync) -> Self::Output;
}

macro_rules! binary_ops {
    ($($variant:ident $name:literal |$a:ident, $b:ident| $cpu:expr, $cuda:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum BinaryOp { $($variant),* }

        impl BinaryOp {
            pub const ALL: &'static [BinaryOp] = &[$(BinaryOp::$variant),*];

            pub fn parse(name: &str) -> Result<BinaryOp> {
                match name {
                    $($name => Ok(BinaryOp::$variant),)*
                    _ => bail!("binary", "unknown op '{name}'"),
                }
            }

            pub fn name(self) -> &'static str {
                match self { $(BinaryOp::$variant => $name),* }
            }

            /// The CUDA C expression of the op in terms of `a` and `b`.
            pub fn cuda_expr(self) -> &'static str {
                match self { $(BinaryOp::$variant => $cuda),* }
            }

            /// Runs `l` with this op's formula as a closure of its own type, so
            /// each op gets its own vectorised loop (a `match` per element would not).
            pub fn dispatch<L: BinaryLoop>(self, l: L) -> L::Output {
                match self { $(BinaryOp::$variant => l.run(|$a: f32, $b: f32| $cpu)),* }
            }
        }
    };
}

binary_ops! {
    Add "add" |a, b| a + b, "a + b";
    Sub "sub" |a, b| a - b, "a - b";
    Mul "mul" |a, b| a * b, "a * b";
    Div "div" |a, b| a / b, "a / b";
    Pow "pow" |a, b| a.powf(b), "powf(a, b)";
    Maximum "maximum" |a, b| if a > b || a.is_nan() { a } else { b }, "(a > b || isnan(a) ? a : b)";
    Minimum "minimum" |a, b| if a < b || a.is_nan() { a } else { b }, "(a < b || isnan(a) ? a : b)";
    Gt "gt" |a, b| (a > b) as u8 as f32, "(a > b ? 1.f : 0.f)";
    Lt "lt" |a, b| (a < b) as u8 as f32, "(a < b ? 1.f : 0.f)";
    Eq "eq" |a, b| (a == b) as u8 as f32, "(a == b ? 1.f : 0.f)";
}
