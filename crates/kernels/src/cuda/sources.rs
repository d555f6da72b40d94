//! Every CUDA C module, by name. Unary and binary sources are generated from the
//! op tables in `ops/`, so each op's CUDA formula sits beside its CPU one.

use cudarc::nvrtc::{compile_ptx_with_opts, CompileOptions, Ptx};

use crate::desc::binary::BinaryOp;
use crate::desc::unary::UnaryKind;
use crate::{Error, Result};

const COMMON: &str = include_str!("kernels/common.cuh");

/// The oldest virtual architecture the kernels need; the driver JITs the PTX
/// for newer GPUs.
const ARCH: &str = "compute_70";

/// Names of all modules, in the order `compile_all` reports them.
pub const MODULES: &[&str] = &[
    "unary",
    "binary",
    "reduce",
    "softmax",
    "layout",
    "scatter",
    "random",
    "conv",
    "pool",
    "optim",
    "batchnorm",
    "lstm",
    "losses",
    "attention",
    "soft_attend",
    "attention_filter",
];

fn unary_source() -> String {
    let mut s = String::new();
    for k in UnaryKind::ALL {
        s += &format!(
            "extern \"C\" __global__ void u{name}_f32(const float* in, float* out, fv_size n, float p) {{\n    FV_GRID_STRIDE(i, n) {{ float x = in[i]; out[i] = {expr}; }}\n}}\n",
            name = k.name(),
            expr = k.cuda_expr()
        );
    }
    s
}

fn binary_source() -> String {
    let mut s = String::from(
        "__device__ void fv_bcast(fv_size i, const FvBroadcast& v, fv_size* ia, fv_size* ib) {\n    fv_size rem = i, a = 0, b = 0;\n    for (int d = (int)v.rank - 1; d >= 0; --d) { fv_size c = rem % v.dims[d]; rem /= v.dims[d]; a += c * v.sa[d]; b += c * v.sb[d]; }\n    *ia = a; *ib = b;\n}\n",
    );
    for op in BinaryOp::ALL {
        s += &format!(
            "extern \"C\" __global__ void b{name}_f32(const float* pa, const float* pb, float* out, fv_size n, FvBroadcast v) {{\n    FV_GRID_STRIDE(i, n) {{ fv_size ia, ib; fv_bcast(i, v, &ia, &ib); float a = pa[ia], b = pb[ib]; out[i] = {expr}; }}\n}}\n",
            name = op.name(),
            expr = op.cuda_expr()
        );
    }
    s
}

/// The full CUDA C source of a module.
pub fn source(module: &str) -> Option<String> {
    let body = match module {
        "unary" => unary_source(),
        "binary" => binary_source(),
        "reduce" => include_str!("kernels/reduce.cu").to_string(),
        "softmax" => include_str!("kernels/softmax.cu").to_string(),
        "layout" => include_str!("kernels/layout.cu").to_string(),
        "scatter" => include_str!("kernels/scatter.cu").to_string(),
        "random" => include_str!("kernels/random.cu").to_string(),
        "batchnorm" => include_str!("kernels/batchnorm.cu").to_string(),
        "lstm" => include_str!("kernels/lstm.cu").to_string(),
        "losses" => include_str!("kernels/losses.cu").to_string(),
        "conv" => include_str!("kernels/conv.cu").to_string(),
        "pool" => include_str!("kernels/pool.cu").to_string(),
        "optim" => include_str!("kernels/optim.cu").to_string(),
        "attention" => include_str!("kernels/attention.cu").to_string(),
        "soft_attend" => include_str!("kernels/soft_attend.cu").to_string(),
        "attention_filter" => include_str!("kernels/attention_filter.cu").to_string(),
        _ => return None,
    };
    Some(format!("{COMMON}\n{body}"))
}

/// Whether libnvrtc can be loaded (it needs no GPU).
pub fn nvrtc_available() -> bool {
    // SAFETY: only probes whether the shared library can be loaded.
    std::panic::catch_unwind(|| unsafe { cudarc::nvrtc::sys::is_culib_present() }).unwrap_or(false)
}

/// Compiles one module to PTX with NVRTC.
pub fn compile(op: &str, module: &str) -> Result<Ptx> {
    let src =
        source(module).ok_or_else(|| Error::new(op, format!("unknown CUDA module '{module}'")))?;
    if !nvrtc_available() {
        return Err(Error::new(
            op,
            "libnvrtc was not found; set LD_LIBRARY_PATH to its folder",
        ));
    }
    let opts = CompileOptions {
        arch: Some(ARCH),
        name: Some(format!("{module}.cu")),
        ..Default::default()
    };
    compile_ptx_with_opts(src, opts)
        .map_err(|e| Error::new(op, format!("NVRTC failed on {module}.cu: {e:?}")))
}

/// Compiles every module; returns (module, PTX bytes) or the first failure.
pub fn compile_all() -> Result<Vec<(String, usize)>> {
    MODULES
        .iter()
        .map(|m| compile("cudaCompile", m).map(|ptx| (m.to_string(), ptx.to_src().len())))
        .collect()
}
