// DRAW's Gaussian attention filterbank (PAPERS.md §1; conventions in
// cpu/attention.rs). params [batch,5] = (g~X, g~Y, log s2, log d~, log gamma);
// FX [batch,N,width], FY [batch,N,height]. One thread per filter row (b, axis, i),
// plus one per example for gamma: rows = batch * (2N + 1).

// Z = max(sum exp(...), FV_ATT_Z_EPS), as cpu::attention::Z_EPS.
#define FV_ATT_Z_EPS 1e-8f

// The centre is kept in double: in float, μ ≈ 60 carries an absolute error of
// ~4e-6, which d/σ² magnifies to ~1e-5 relative in F; d = a − μ is exact enough
// in float once formed in double.
struct FvAttRow {
    double mu;     // 1-based centre of this filter
    float dcentre; // d mu / d g~ = (len+1)/2
    float offset;  // (i - N/2 - 0.5), 1-based i
    float delta;
    float var;     // sigma^2
    fv_size len;
};

// Row k of example b: k < N is FX row k, k < 2N is FY row k - N.
__device__ FvAttRow fv_att_row(const float* p, fv_size k, fv_size n, fv_size width, fv_size height) {
    bool x = k < n;
    fv_size i0 = x ? k : k - n;
    FvAttRow r;
    r.len = x ? width : height;
    fv_size max_len = width > height ? width : height;
    // N = 1: N - 1 becomes max(N - 1, 1); the one filter sits on the centre.
    double stride = (double)(max_len - 1) / (double)(n > 1 ? n - 1 : 1);
    r.dcentre = ((float)r.len + 1.f) * 0.5f;
    double delta = stride * exp((double)p[3]);
    r.delta = (float)delta;
    r.var = expf(p[2]);
    r.offset = (float)i0 + 0.5f - (float)n * 0.5f;
    r.mu = (double)r.dcentre * ((double)p[x ? 0 : 1] + 1.0) + (double)r.offset * delta;
    return r;
}

__device__ float fv_att_e(const FvAttRow& r, fv_size a0) {
    float d = (float)((double)(a0 + 1) - r.mu);
    return expf(-d * d / (2.f * r.var));
}

extern "C" __global__ void afilterbank_f32(const float* params, float* fx, float* fy, float* gamma, fv_size batch, fv_size n, fv_size width, fv_size height) {
    fv_size per = 2 * n + 1;
    FV_GRID_STRIDE(t, batch * per) {
        fv_size b = t / per, k = t % per;
        const float* p = params + b * 5;
        if (k == 2 * n) {
            gamma[b] = expf(p[4]);
            continue;
        }
        FvAttRow r = fv_att_row(p, k, n, width, height);
        float* dst = k < n ? fx + (b * n + k) * width : fy + (b * n + (k - n)) * height;
        float s = 0.f;
        for (fv_size a = 0; a < r.len; ++a) s += fv_att_e(r, a);
        float inv = 1.f / fmaxf(s, FV_ATT_Z_EPS);
        for (fv_size a = 0; a < r.len; ++a) dst[a] = fv_att_e(r, a) * inv;
    }
}

// dparams starts zeroed; each row adds its share with atomicAdd. has_* say which
// of dfx, dfy, dgamma were given (an absent one is zero; its pointer is unused).
extern "C" __global__ void afilterbank_backward_f32(const float* params, const float* dfx, const float* dfy, const float* dgamma, float* dparams,
                                                    fv_size batch, fv_size n, fv_size width, fv_size height, int has_dfx, int has_dfy, int has_dgamma) {
    fv_size per = 2 * n + 1;
    FV_GRID_STRIDE(t, batch * per) {
        fv_size b = t / per, k = t % per;
        const float* p = params + b * 5;
        if (k == 2 * n) {
            if (has_dgamma) dparams[b * 5 + 4] = dgamma[b] * expf(p[4]);
            continue;
        }
        bool x = k < n;
        if ((x && !has_dfx) || (!x && !has_dfy)) continue;
        FvAttRow r = fv_att_row(p, k, n, width, height);
        const float* g = x ? dfx + (b * n + k) * r.len : dfy + (b * n + (k - n)) * r.len;
        float s = 0.f, gs = 0.f;
        for (fv_size a = 0; a < r.len; ++a) {
            float e = fv_att_e(r, a);
            s += e;
            gs += g[a] * e;
        }
        float z = fmaxf(s, FV_ATT_Z_EPS);
        // K_a = F_a (G_a - r): r = sum G F while Z = sum e, 0 when Z is the floor.
        float rr = s >= FV_ATT_Z_EPS ? gs / z : 0.f;
        float dmu = 0.f, dvar = 0.f;
        for (fv_size a = 0; a < r.len; ++a) {
            float kk = fv_att_e(r, a) / z * (g[a] - rr);
            float d = (float)((double)(a + 1) - r.mu);
            dmu += kk * d / r.var;
            dvar += kk * d * d / (2.f * r.var);
        }
        atomicAdd(&dparams[b * 5 + (x ? 0 : 1)], dmu * r.dcentre);
        atomicAdd(&dparams[b * 5 + 2], dvar);
        atomicAdd(&dparams[b * 5 + 3], dmu * r.offset * r.delta);
    }
}
