//! One error type for every kernel: the message names the op, the argument and
//! the shapes, e.g. `matmul: shape mismatch, a [2,3] vs b [4,5]`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(op: &str, msg: impl fmt::Display) -> Self {
        Error(format!("{op}: {msg}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// `bail!(op, "format", args…)` returns `Err(Error::new(op, format!(…)))`.
#[macro_export]
macro_rules! bail {
    ($op:expr, $($arg:tt)*) => {
        return Err($crate::Error::new($op, format!($($arg)*)))
    };
}

/// Formats a shape the way error messages quote it: `[2,3]`.
pub fn fmt_shape(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("[{}]", dims.join(","))
}
