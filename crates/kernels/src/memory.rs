//! Live-tensor accounting per device, so leaks are testable from JavaScript.
//! Every `Tensor` registers on creation and unregisters in `Drop`.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::desc::Device;

struct Counters {
    tensors: AtomicI64,
    bytes: AtomicI64,
}

static CPU: Counters = Counters {
    tensors: AtomicI64::new(0),
    bytes: AtomicI64::new(0),
};
static CUDA: Counters = Counters {
    tensors: AtomicI64::new(0),
    bytes: AtomicI64::new(0),
};

fn counters(device: Device) -> &'static Counters {
    match device {
        Device::Cpu => &CPU,
        Device::Cuda => &CUDA,
    }
}

pub(crate) fn track(device: Device, bytes: usize) {
    let c = counters(device);
    c.tensors.fetch_add(1, Ordering::Relaxed);
    c.bytes.fetch_add(bytes as i64, Ordering::Relaxed);
}

pub(crate) fn untrack(device: Device, bytes: usize) {
    let c = counters(device);
    c.tensors.fetch_sub(1, Ordering::Relaxed);
    c.bytes.fetch_sub(bytes as i64, Ordering::Relaxed);
}

/// (live tensors, live bytes) on a device.
pub fn usage(device: Device) -> (i64, i64) {
    let c = counters(device);
    (
        c.tensors.load(Ordering::Relaxed),
        c.bytes.load(Ordering::Relaxed),
    )
}

/// The most bytes one allocation may ask for: `FOVEATE_MAX_ALLOC` (bytes, or
/// with a K/M/G/T suffix, powers of 1024) or else half of physical memory.
/// Checked before any work, so a shape-driven op refuses instead of running
/// away or aborting the process when the allocator says no.
/// A value that is not a byte count is an error on every allocation check
/// (never silently replaced by the default).
pub fn ceiling() -> Result<usize, String> {
    static CEILING: std::sync::OnceLock<Result<usize, String>> = std::sync::OnceLock::new();
    CEILING
        .get_or_init(|| match std::env::var("FOVEATE_MAX_ALLOC") {
            Ok(s) => parse_bytes(&s).ok_or_else(|| {
                format!("FOVEATE_MAX_ALLOC={s:?} is not a byte count (e.g. 1000000, 512M, 64G)")
            }),
            Err(_) => Ok(physical_memory() / 2),
        })
        .clone()
}

/// "8G" → 8·2³⁰; "1000" → 1000; None when it is not a byte count.
pub fn parse_bytes(s: &str) -> Option<usize> {
    let s = s.trim();
    let (num, shift) = match s.chars().last()?.to_ascii_uppercase() {
        'K' => (&s[..s.len() - 1], 10),
        'M' => (&s[..s.len() - 1], 20),
        'G' => (&s[..s.len() - 1], 30),
        'T' => (&s[..s.len() - 1], 40),
        _ => (s, 0),
    };
    let n: usize = num.trim().parse().ok()?;
    n.checked_mul(1usize << shift)
}

fn physical_memory() -> usize {
    let from_meminfo = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        let line = m.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
        kb.checked_mul(1024)
    });
    // Without /proc (macOS, Windows) assume 16 GiB rather than no limit.
    from_meminfo.unwrap_or(16 << 30)
}

/// The bytes a tensor of `shape` with `elem` bytes per element needs, refused
/// (naming op, shape and bytes) when the arithmetic overflows or the request
/// exceeds [`ceiling`].
pub fn check_alloc(op: &str, shape: &[usize], elem: usize) -> crate::Result<usize> {
    let bytes = shape
        .iter()
        .try_fold(elem, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| {
            crate::Error::new(
                op,
                format!(
                    "output shape {} is too large: its byte count overflows",
                    crate::error::fmt_shape(shape)
                ),
            )
        })?;
    let max = ceiling().map_err(|why| crate::Error::new(op, why))?;
    if bytes > max {
        return Err(crate::Error::new(
            op,
            format!(
                "output shape {} needs {bytes} bytes, over the allocation ceiling of {max} bytes \
                 (set FOVEATE_MAX_ALLOC, e.g. FOVEATE_MAX_ALLOC=64G, to raise it)",
                crate::error::fmt_shape(shape)
            ),
        ));
    }
    Ok(bytes)
}

/// Element types whose all-zero bit pattern is the value zero, so a zeroed
/// allocation is a valid buffer of zeros.
///
/// # Safety
/// Implement only for types where every byte 0 is a valid value.
pub unsafe trait Zeroable: Copy {}
// SAFETY: zero bits are 0 / 0.0 for each of these.
unsafe impl Zeroable for f32 {}
unsafe impl Zeroable for f64 {}
unsafe impl Zeroable for i32 {}
unsafe impl Zeroable for u32 {}
unsafe impl Zeroable for usize {}
unsafe impl Zeroable for u8 {}
unsafe impl<T: Zeroable, const N: usize> Zeroable for [T; N] {}

fn refused(op: &str, bytes: usize, what: &str) -> crate::Error {
    crate::Error::new(op, format!("cannot allocate {bytes} bytes for {what}"))
}

/// A zeroed `Vec` of `shape`'s element count, allocated fallibly: the ceiling
/// first, then the allocator, so a refused allocation is an error naming `op`,
/// the shape and the bytes, not an abort. Zeroed by the allocator
/// (`alloc_zeroed`: fresh pages cost nothing to zero).
pub fn try_zeroed<T: Zeroable>(op: &str, shape: &[usize]) -> crate::Result<Vec<T>> {
    let bytes = check_alloc(op, shape, std::mem::size_of::<T>())?;
    let n = crate::shape::numel(shape);
    if bytes == 0 {
        return Ok(vec![zero(); n]);
    }
    let layout = std::alloc::Layout::array::<T>(n).map_err(|_| {
        refused(
            op,
            bytes,
            &format!("shape {}", crate::error::fmt_shape(shape)),
        )
    })?;
    // SAFETY: a non-zero-size layout; the block is `n` zeroed `T`s, which are
    // valid values (`Zeroable`), allocated by the global allocator with the
    // layout `Vec` frees it with.
    unsafe {
        let p = std::alloc::alloc_zeroed(layout) as *mut T;
        if p.is_null() {
            return Err(refused(
                op,
                bytes,
                &format!("shape {}", crate::error::fmt_shape(shape)),
            ));
        }
        Ok(Vec::from_raw_parts(p, n, n))
    }
}

/// Zero of a `Zeroable` type (zero-size buffers only need the length).
fn zero<T: Zeroable>() -> T {
    // SAFETY: zero bits are a valid `T` (`Zeroable`).
    unsafe { std::mem::zeroed() }
}

/// `try_zeroed` for a flat buffer of `n` elements (an op's output or scratch).
pub fn zeroed<T: Zeroable>(op: &str, n: usize) -> crate::Result<Vec<T>> {
    try_zeroed(op, &[n])
}

/// An empty `Vec` with room for `n` elements, reserved fallibly (checked
/// against the ceiling like `try_zeroed`).
pub fn with_capacity<T>(op: &str, n: usize) -> crate::Result<Vec<T>> {
    let bytes = check_alloc(op, &[n], std::mem::size_of::<T>())?;
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| refused(op, bytes, &format!("{n} elements")))?;
    Ok(v)
}

/// A copy of `data`, allocated fallibly (`to_vec` aborts when refused).
pub fn copy_of<T: Copy>(op: &str, data: &[T]) -> crate::Result<Vec<T>> {
    let mut v = with_capacity(op, data.len())?;
    v.extend_from_slice(data);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_byte_suffixes() {
        assert_eq!(parse_bytes("1000"), Some(1000));
        assert_eq!(parse_bytes("8G"), Some(8 << 30));
        assert_eq!(parse_bytes("4k"), Some(4096));
        assert_eq!(parse_bytes("x"), None);
    }

    #[test]
    fn refuses_overflow_and_over_ceiling() {
        let e = check_alloc("randn", &[usize::MAX, 2], 4).unwrap_err();
        assert!(e.0.starts_with("randn: output shape"), "{e}");
        let e = check_alloc("randn", &[1_000_000, 1_000_000], 4).unwrap_err();
        assert!(e.0.contains("4000000000000 bytes"), "{e}");
        assert_eq!(check_alloc("randn", &[2, 3], 4), Ok(24));
        assert_eq!(try_zeroed::<f32>("zeros", &[2, 3]).unwrap(), vec![0.0; 6]);
        assert_eq!(
            try_zeroed::<i32>("zeros", &[0, 3]).unwrap(),
            Vec::<i32>::new()
        );
        assert_eq!(zeroed::<[f32; 4]>("pool", 2).unwrap(), vec![[0.0; 4]; 2]);
        assert_eq!(copy_of("tensor", &[1, 2, 3]).unwrap(), vec![1, 2, 3]);
        let e = zeroed::<f32>("sum", usize::MAX / 2).unwrap_err();
        assert!(e.0.starts_with("sum: output shape"), "{e}");
        let e = with_capacity::<f64>("concat", usize::MAX / 4).unwrap_err();
        assert!(e.0.starts_with("concat: "), "{e}");
    }
}
