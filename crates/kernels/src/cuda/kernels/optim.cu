// Fused optimiser steps, in place (ops/optim.rs derives the scalars; cpu/optim.rs
// is the same formula). FMAs are explicit (fmaf) exactly where PyTorch's CPU
// kernels fuse (add with alpha, addcmul, lerp); other products use __fmul_rn so
// NVRTC cannot contract them. Variants with and without optional state buffers
// are template instances, so absent buffers are never touched.

__device__ __forceinline__ float fv_lerp(float a, float b, float w) {
    return fabsf(w) < 0.5f ? fmaf(w, b - a, a) : fmaf(w - 1.f, b - a, b);
}

// grad.add(param, alpha=wd)
__device__ __forceinline__ float fv_decayed(float g, float p, float wd) {
    return wd != 0.f ? fmaf(p, wd, g) : g;
}

template <bool MOMENTUM>
__device__ void fv_sgd(float* p, const float* g, float* buf, fv_size n, float neg_lr, float momentum,
                       float one_minus_dampening, float wd, int nesterov, int first) {
    FV_GRID_STRIDE(i, n) {
        float d = fv_decayed(g[i], p[i], wd);
        if (MOMENTUM) {
            float b = first ? d : fmaf(d, one_minus_dampening, __fmul_rn(buf[i], momentum));
            buf[i] = b;
            d = nesterov ? fmaf(b, momentum, d) : b;
        }
        p[i] = fmaf(d, neg_lr, p[i]);
    }
}

extern "C" __global__ void osgd_f32(float* p, const float* g, fv_size n, float neg_lr, float wd) {
    fv_sgd<false>(p, g, nullptr, n, neg_lr, 0.f, 1.f, wd, 0, 0);
}

extern "C" __global__ void osgd_momentum_f32(float* p, const float* g, float* buf, fv_size n, float neg_lr, float momentum,
                                             float one_minus_dampening, float wd, int nesterov, int first) {
    fv_sgd<true>(p, g, buf, n, neg_lr, momentum, one_minus_dampening, wd, nesterov, first);
}

template <bool CENTERED, bool MOMENTUM>
__device__ void fv_rmsprop(float* p, const float* g, float* sq, float* ga, float* buf, fv_size n, float neg_lr,
                           float alpha, float one_minus_alpha, float eps, float wd, float momentum) {
    FV_GRID_STRIDE(i, n) {
        float d = fv_decayed(g[i], p[i], wd);
        float s = fmaf(__fmul_rn(one_minus_alpha, d), d, __fmul_rn(sq[i], alpha));
        sq[i] = s;
        float avg;
        if (CENTERED) {
            float a = fv_lerp(ga[i], d, one_minus_alpha);
            ga[i] = a;
            avg = sqrtf(fmaf(-a, a, s)) + eps;
        } else {
            avg = sqrtf(s) + eps;
        }
        if (MOMENTUM) {
            float b = __fmul_rn(buf[i], momentum) + d / avg;
            buf[i] = b;
            p[i] = fmaf(b, neg_lr, p[i]);
        } else {
            p[i] += __fmul_rn(neg_lr, d) / avg;
        }
    }
}

#define FV_RMSPROP(name, C, M) \
extern "C" __global__ void name(float* p, const float* g, float* sq, float* ga, float* buf, fv_size n, float neg_lr, \
                                float alpha, float one_minus_alpha, float eps, float wd, float momentum) { \
    fv_rmsprop<C, M>(p, g, sq, ga, buf, n, neg_lr, alpha, one_minus_alpha, eps, wd, momentum); \
}
FV_RMSPROP(ormsprop_f32, false, false)
FV_RMSPROP(ormsprop_centered_f32, true, false)
FV_RMSPROP(ormsprop_momentum_f32, false, true)
FV_RMSPROP(ormsprop_centered_momentum_f32, true, true)

extern "C" __global__ void oadam_f32(float* p, const float* g, float* m, float* v, fv_size n, float neg_step_size,
                                     float one_minus_beta1, float beta2, float one_minus_beta2, float bc2_sqrt,
                                     float eps, float wd) {
    FV_GRID_STRIDE(i, n) {
        float d = fv_decayed(g[i], p[i], wd);
        float mi = fv_lerp(m[i], d, one_minus_beta1);
        float vi = fmaf(__fmul_rn(one_minus_beta2, d), d, __fmul_rn(v[i], beta2));
        m[i] = mi;
        v[i] = vi;
        p[i] += __fmul_rn(neg_step_size, mi) / (sqrtf(vi) / bc2_sqrt + eps);
    }
}
