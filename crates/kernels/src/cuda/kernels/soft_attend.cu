// Show, Attend and Tell's soft attention (PAPERS.md §3), fused; the equations and
// their backward are in cpu/soft_attend.rs. Shapes: proj and t [B,L,A], hproj
// [B,A], v [A], ann [B,L,D], alpha and mask [B,L], ctx [B,D].
// Forward: scores (a warp per location), softmax (a block per image), context (a
// thread per output channel). Backward: dα and da (a warp per location), de (a
// block per image), through tanh (a thread per (image, unit), looping over L),
// then the sums over images of dv and dbias, in a fixed order.

__device__ float fv_warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    return __shfl_sync(0xffffffffu, v, 0);
}

// t = tanh(proj + hproj) (stored when has_t: the backward reads it), e = vᵀt
// (+ bias) into alpha (the softmax follows in place).
extern "C" __global__ void softattend_scores_f32(const float* proj, const float* hproj, const float* v, const float* bias, int has_bias,
                                                 float* t, int has_t, float* alpha, fv_size B, fv_size L, fv_size A) {
    fv_size warps = (fv_size)gridDim.x * (blockDim.x / 32);
    unsigned lane = threadIdx.x % 32;
    float c = has_bias ? bias[0] : 0.f;
    // r is the same for all lanes of a warp, so every shuffle sees the full warp.
    for (fv_size r = (blockIdx.x * (fv_size)blockDim.x + threadIdx.x) / 32; r < B * L; r += warps) {
        const float* p = proj + r * A;
        const float* h = hproj + (r / L) * A;
        float* tr = t + r * A;
        float s = 0.f;
        for (fv_size k = lane; k < A; k += 32) {
            float x = tanhf(p[k] + h[k]);
            if (has_t) tr[k] = x;
            s += v[k] * x;
        }
        s = fv_warp_sum(s);
        if (lane == 0) alpha[r] = s + c;
    }
}

// α = softmax of the scores over the kept locations of each image; masked ones get 0.
extern "C" __global__ void softattend_softmax_f32(float* alpha, const float* mask, int has_mask, fv_size B, fv_size L) {
    for (fv_size b = blockIdx.x; b < B; b += gridDim.x) {
        float* a = alpha + b * L;
        const float* m = mask + b * L;
        float mx = -FV_INF;
        for (fv_size j = threadIdx.x; j < L; j += blockDim.x)
            if (!has_mask || m[j] != 0.f) mx = fmaxf(mx, a[j]);
        mx = fv_block_reduce(mx, true);
        float s = 0.f;
        for (fv_size j = threadIdx.x; j < L; j += blockDim.x) {
            float w = (!has_mask || m[j] != 0.f) ? expf(a[j] - mx) : 0.f;
            a[j] = w;
            s += w;
        }
        s = fv_block_reduce(s, false);
        // s ≥ 1 (the largest kept score gives e^0); ops/ refused rows with nothing kept.
        float inv = s > 0.f ? 1.f / s : 0.f;
        for (fv_size j = threadIdx.x; j < L; j += blockDim.x) a[j] *= inv;
    }
}

// ctx[b,d] = Σ_l α[b,l] ann[b,l,d]: neighbouring threads read neighbouring channels.
extern "C" __global__ void softattend_context_f32(const float* alpha, const float* ann, float* ctx, fv_size B, fv_size L, fv_size D) {
    FV_GRID_STRIDE(i, B * D) {
        fv_size b = i / D, d = i % D;
        const float* a = ann + b * L * D + d;
        const float* w = alpha + b * L;
        float s = 0.f;
        for (fv_size l = 0; l < L; ++l) {
            float x = w[l];
            if (x != 0.f) s += x * a[l * D];
        }
        ctx[i] = s;
    }
}

// g[b,l] = dα[b,l] + Σ_d dctx[b,d] ann[b,l,d]; da[b,l,d] = α[b,l] dctx[b,d] when asked.
extern "C" __global__ void softattend_dalpha_f32(const float* dctx, int has_dctx, const float* dalpha, int has_dalpha, const float* ann,
                                                 const float* alpha, float* g, float* da, int has_da, fv_size B, fv_size L, fv_size D) {
    fv_size warps = (fv_size)gridDim.x * (blockDim.x / 32);
    unsigned lane = threadIdx.x % 32;
    for (fv_size r = (blockIdx.x * (fv_size)blockDim.x + threadIdx.x) / 32; r < B * L; r += warps) {
        float s = 0.f;
        if (has_dctx) {
            const float* dc = dctx + (r / L) * D;
            const float* a = ann + r * D;
            float w = alpha[r];
            for (fv_size d = lane; d < D; d += 32) {
                s += dc[d] * a[d];
                if (has_da) da[r * D + d] = w * dc[d];
            }
        }
        s = fv_warp_sum(s);
        if (lane == 0) g[r] = s + (has_dalpha ? dalpha[r] : 0.f);
    }
}

// de = α (g − Σ α g) in place of g, and each image's Σ de (its share of dbias).
extern "C" __global__ void softattend_de_f32(const float* alpha, float* g, float* dbias_rows, fv_size B, fv_size L) {
    for (fv_size b = blockIdx.x; b < B; b += gridDim.x) {
        const float* a = alpha + b * L;
        float* gb = g + b * L;
        float dot = 0.f;
        for (fv_size j = threadIdx.x; j < L; j += blockDim.x) dot += a[j] * gb[j];
        dot = fv_block_reduce(dot, false);
        float s = 0.f;
        for (fv_size j = threadIdx.x; j < L; j += blockDim.x) {
            float de = a[j] * (gb[j] - dot);
            gb[j] = de;
            s += de;
        }
        s = fv_block_reduce(s, false);
        if (threadIdx.x == 0) dbias_rows[b] = s;
    }
}

// Through tanh, per (b,k) over the locations: dproj = de·v_k·(1 − t²) (when asked),
// dh[b,k] = Σ_l dproj, dv_rows[b,k] = Σ_l de·t.
extern "C" __global__ void softattend_tanh_back_f32(const float* de, const float* v, const float* t, float* dproj, int has_dproj,
                                                    float* dh, float* dv_rows, fv_size B, fv_size L, fv_size A) {
    FV_GRID_STRIDE(i, B * A) {
        fv_size b = i / A, k = i % A;
        float vk = v[k], sh = 0.f, sv = 0.f;
        for (fv_size l = 0; l < L; ++l) {
            float e = de[b * L + l];
            fv_size at = (b * L + l) * A + k;
            float x = t[at];
            float gr = e * vk * (1.f - x * x);
            if (has_dproj) dproj[at] = gr;
            sh += gr;
            sv += e * x;
        }
        dh[i] = sh;
        dv_rows[i] = sv;
    }
}

// dv[k] = Σ_b dv_rows[b,k] and dbias = Σ_b dbias_rows[b], image by image in order.
extern "C" __global__ void softattend_reduce_f32(const float* dv_rows, const float* dbias_rows, float* dv, float* dbias, fv_size B, fv_size A) {
    FV_GRID_STRIDE(k, A + 1) {
        float s = 0.f;
        if (k < A) {
            for (fv_size b = 0; b < B; ++b) s += dv_rows[b * A + k];
            dv[k] = s;
        } else {
            for (fv_size b = 0; b < B; ++b) s += dbias_rows[b];
            dbias[0] = s;
        }
    }
}
