//! The instruction-set path the CPU kernels take: the best one this CPU has, or
//! the one `FOVEATE_CPU` names (`avx512`, `avx2`, `scalar`; `neon` on arm64),
//! read once, at first use. An unknown name, or a path this CPU lacks, is an
//! error (returned by `ops/` on the first kernel call), never a quiet fallback:
//! a benchmark or a test that asked for AVX2 must run AVX2.
//!
//! What each path means:
//! - `avx512`: loops compiled with AVX-512F/VL (+AVX2, FMA); SGEMM on gemm-f32's
//!   AVX-512 micro-kernel, or its AVX2 one where that measured faster (see gemm.rs);
//! - `avx2`: loops compiled with AVX2+FMA; SGEMM on gemm-f32's AVX2+FMA kernel only;
//! - `neon` (arm64): the baseline build (NEON is part of it); SGEMM on gemm-f32's
//!   NEON kernel;
//! - `scalar`: the baseline build (on x86-64 that is SSE2, as the compiler
//!   autovectorises), SGEMM on gemm-f32's scalar kernel: the portable path.

use std::sync::OnceLock;

/// One path; `Path::ALL` lists them best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    Avx512,
    Avx2,
    Neon,
    Scalar,
}

impl Path {
    pub const ALL: [Path; 4] = [Path::Avx512, Path::Avx2, Path::Neon, Path::Scalar];

    /// The name `FOVEATE_CPU` takes.
    pub fn name(self) -> &'static str {
        match self {
            Path::Avx512 => "avx512",
            Path::Avx2 => "avx2",
            Path::Neon => "neon",
            Path::Scalar => "scalar",
        }
    }

    /// The CPU features the path needs, as the detection macros spell them.
    pub fn needs(self) -> &'static [&'static str] {
        match self {
            Path::Avx512 => &["avx512f", "avx512vl", "avx2", "fma"],
            Path::Avx2 => &["avx2", "fma"],
            Path::Neon => &["neon"],
            Path::Scalar => &[],
        }
    }

    /// Whether this CPU (and this build's architecture) can run the path.
    pub fn supported(self) -> bool {
        match self {
            Path::Scalar => true,
            // gemm-common's own checks too, so its kernels' `try_new` cannot fail.
            #[cfg(target_arch = "x86_64")]
            Path::Avx512 => {
                self.needs().iter().all(|f| has(f)) && gemm_common::simd::V4::try_new().is_some()
            }
            #[cfg(target_arch = "x86_64")]
            Path::Avx2 => {
                self.needs().iter().all(|f| has(f)) && gemm_common::simd::V3::try_new().is_some()
            }
            #[cfg(target_arch = "aarch64")]
            Path::Neon => std::arch::is_aarch64_feature_detected!("neon"),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }
}

/// The paths this CPU can run, best first.
pub fn available() -> Vec<Path> {
    Path::ALL.into_iter().filter(|p| p.supported()).collect()
}

/// The path the kernels take, or why `FOVEATE_CPU` cannot be honoured.
pub fn chosen() -> Result<Path, String> {
    once().clone()
}

/// `FOVEATE_CPU`, resolved on first use.
fn once() -> &'static Result<Path, String> {
    static CHOSEN: OnceLock<Result<Path, String>> = OnceLock::new();
    CHOSEN.get_or_init(|| choose(std::env::var("FOVEATE_CPU").ok().as_deref()))
}

/// The path for `FOVEATE_CPU` = `want` (None or empty: the best available).
pub fn choose(want: Option<&str>) -> Result<Path, String> {
    let have = available();
    let want = match want.map(str::trim) {
        None | Some("") => return Ok(have[0]),
        Some(w) => w,
    };
    let names = |ps: &[Path]| ps.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ");
    let Some(path) = Path::ALL.into_iter().find(|p| p.name() == want) else {
        return Err(format!(
            "FOVEATE_CPU={want}: unknown CPU path, expected one of {}",
            names(&Path::ALL)
        ));
    };
    if !path.supported() {
        let missing: Vec<&str> = path.needs().iter().copied().filter(|f| !has(f)).collect();
        let missing = if missing.is_empty() {
            path.needs()
        } else {
            &missing[..]
        };
        return Err(format!(
            "FOVEATE_CPU={want}: this CPU lacks {} (it can run: {})",
            missing.join("+"),
            names(&have)
        ));
    }
    Ok(path)
}

/// The path, for the kernels. Every op checks `chosen()` first (ops/dispatch.rs),
/// so the panic is only reachable by calling `cpu::` directly with a bad `FOVEATE_CPU`.
#[inline]
pub fn active() -> Path {
    match once() {
        Ok(p) => *p,
        Err(e) => panic!("{e}"),
    }
}

/// The CPU's model name, where the OS says it (Linux: /proc/cpuinfo).
pub fn model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| {
            l.starts_with("model name") || l.starts_with("Model") || l.starts_with("CPU part")
        })
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
}

/// The SIMD features that matter to the kernels, of those this CPU has.
pub fn features() -> Vec<&'static str> {
    #[cfg(target_arch = "x86_64")]
    const WATCHED: &[&str] = &[
        "sse4.2",
        "avx",
        "avx2",
        "fma",
        "f16c",
        "avx512f",
        "avx512vl",
        "avx512bw",
        "avx512dq",
        "avx512vnni",
        "avx512bf16",
    ];
    #[cfg(not(target_arch = "x86_64"))]
    const WATCHED: &[&str] = &["neon", "fp16", "dotprod", "sve"];
    WATCHED.iter().copied().filter(|f| has(f)).collect()
}

/// The data-cache sizes in bytes (L1, L2, L3) that SGEMM's blocking is derived from,
/// as read from the CPU at run time (gemm-common's cache detection).
pub fn caches() -> [usize; 3] {
    let info = *gemm_common::cache::CACHE_INFO;
    info.map(|c| c.cache_bytes)
}

/// Run-time feature detection by name.
fn has(feature: &str) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as d;
        match feature {
            "sse4.2" => d!("sse4.2"),
            "avx" => d!("avx"),
            "avx2" => d!("avx2"),
            "fma" => d!("fma"),
            "f16c" => d!("f16c"),
            "avx512f" => d!("avx512f"),
            "avx512vl" => d!("avx512vl"),
            "avx512bw" => d!("avx512bw"),
            "avx512dq" => d!("avx512dq"),
            "avx512vnni" => d!("avx512vnni"),
            "avx512bf16" => d!("avx512bf16"),
            _ => false,
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        use std::arch::is_aarch64_feature_detected as d;
        match feature {
            "neon" => d!("neon"),
            "fp16" => d!("fp16"),
            "dotprod" => d!("dotprod"),
            "sve" => d!("sve"),
            _ => false,
        }
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let _ = feature;
        false
    }
}

/// Runs this test binary again with `env` and `args`; None (with the reason
/// printed) where it cannot start a copy of itself: an arm64 test binary under
/// qemu-user, without binfmt_misc, cannot exec its children (CI runs such a suite
/// once per path instead).
#[cfg(test)]
pub(crate) fn rerun_self(env: &[(&str, &str)], args: &[&str]) -> Option<std::process::Output> {
    use std::process::Command;
    let exe = std::env::current_exe().expect("test binary");
    let probe = Command::new(&exe).args(["--list", "--exact", "-"]).output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        let why = probe.map_or_else(|e| e.to_string(), |o| o.status.to_string());
        eprintln!(
            "skipped: {} cannot run a copy of itself here ({why})",
            exe.display()
        );
        return None;
    }
    let mut cmd = Command::new(&exe);
    cmd.envs(env.iter().copied()).args(args);
    Some(cmd.output().expect("rerun the test binary"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_best_available_path() {
        let have = available();
        assert_eq!(have.last(), Some(&Path::Scalar), "scalar runs everywhere");
        assert_eq!(choose(None), Ok(have[0]));
        assert_eq!(choose(Some("")), Ok(have[0]));
    }

    #[test]
    fn every_available_path_can_be_forced() {
        for p in available() {
            assert_eq!(choose(Some(p.name())), Ok(p));
        }
    }

    #[test]
    fn unknown_or_missing_paths_are_errors() {
        let e = choose(Some("avx3")).unwrap_err();
        assert!(
            e.contains(
                "FOVEATE_CPU=avx3: unknown CPU path, expected one of avx512, avx2, neon, scalar"
            ),
            "{e}"
        );
        for p in Path::ALL.into_iter().filter(|p| !p.supported()) {
            let e = choose(Some(p.name())).unwrap_err();
            assert!(e.contains("this CPU lacks"), "{e}");
        }
    }

    #[test]
    fn the_chosen_path_is_what_foveate_cpu_says() {
        let want = std::env::var("FOVEATE_CPU").ok();
        assert_eq!(chosen(), choose(want.as_deref()));
    }

    /// Every test of this crate again on each other path the CPU has, in a child
    /// process with `FOVEATE_CPU` set (the path is read once per process), so every
    /// kernel family is checked on every path. CUDA tests are not repeated: the
    /// path does not reach them.
    #[test]
    fn every_test_passes_on_every_path() {
        if std::env::var_os("FOVEATE_CPU_TEST_CHILD").is_some() {
            return;
        }
        let here = chosen().expect("FOVEATE_CPU");
        for p in Path::ALL {
            if !p.supported() {
                eprintln!(
                    "every path: skipping {}: this CPU lacks {}",
                    p.name(),
                    p.needs().join("+")
                );
                continue;
            }
            if p == here {
                continue;
            }
            let env = [("FOVEATE_CPU", p.name()), ("FOVEATE_CPU_TEST_CHILD", "1")];
            let args = [
                "--skip",
                "cuda::",
                "--skip",
                "every_test_passes_on_every_path",
            ];
            let Some(out) = rerun_self(&env, &args) else {
                return;
            };
            let text = String::from_utf8_lossy(&out.stdout);
            let summary = text
                .lines()
                .rfind(|l| l.starts_with("test result"))
                .unwrap_or("");
            assert!(
                out.status.success(),
                "tests on path {} failed:\n{text}\n{}",
                p.name(),
                String::from_utf8_lossy(&out.stderr)
            );
            eprintln!("every path: {}: {summary}", p.name());
        }
    }
}
