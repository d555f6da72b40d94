// DRAW's read and write with given filters (PAPERS.md §1; the math, and why the
// backward takes this form, in cpu/attention_filter.rs). Per example b the scale
// is s = gamma[b] (read) or 1/gamma[b] (write: invert = 1). FX [B,N,W], FY [B,N,H];
// "narrow" maps C planes [H,W] to [N,N], "widen" maps [N,N] to [H,W].

__device__ float fv_af_scale(const float* gamma, fv_size b, int invert) {
    return invert ? 1.f / gamma[b] : gamma[b];
}

// out[b,c,i,j] = s * sum_y FY[b,i,y] sum_x src[b,c,y,x] FX[b,j,x]; one thread per output.
extern "C" __global__ void afilter_narrow_f32(const float* src, const float* fx, const float* fy, const float* gamma, float* out,
                                              fv_size batch, fv_size channels, fv_size n, fv_size h, fv_size w, int invert) {
    FV_GRID_STRIDE(t, batch * channels * n * n) {
        fv_size j = t % n, i = (t / n) % n, bc = t / (n * n), b = bc / channels;
        const float* s_ = src + bc * h * w;
        const float* fyi = fy + (b * n + i) * h;
        const float* fxj = fx + (b * n + j) * w;
        float acc = 0.f;
        for (fv_size y = 0; y < h; ++y) {
            float r = 0.f;
            for (fv_size x = 0; x < w; ++x) r += s_[y * w + x] * fxj[x];
            acc += fyi[y] * r;
        }
        out[t] = fv_af_scale(gamma, b, invert) * acc;
    }
}

// out[b,c,y,x] = s * sum_i FY[b,i,y] sum_j src[b,c,i,j] FX[b,j,x]; one thread per output.
extern "C" __global__ void afilter_widen_f32(const float* src, const float* fx, const float* fy, const float* gamma, float* out,
                                             fv_size batch, fv_size channels, fv_size n, fv_size h, fv_size w, int invert) {
    FV_GRID_STRIDE(t, batch * channels * h * w) {
        fv_size x = t % w, y = (t / w) % h, bc = t / (h * w), b = bc / channels;
        const float* s_ = src + bc * n * n;
        float acc = 0.f;
        for (fv_size i = 0; i < n; ++i) {
            float r = 0.f;
            for (fv_size j = 0; j < n; ++j) r += s_[i * n + j] * fx[(b * n + j) * w + x];
            acc += fy[(b * n + i) * h + y] * r;
        }
        out[t] = fv_af_scale(gamma, b, invert) * acc;
    }
}

// dFY[b,i,y] = s * sum_c sum_x (A_c FX)[i,x] Z_c[y,x], A [B,C,N,N], Z [B,C,H,W].
extern "C" __global__ void afilter_dfy_f32(const float* a, const float* z, const float* fx, const float* gamma, float* dfy,
                                           fv_size batch, fv_size channels, fv_size n, fv_size h, fv_size w, int invert) {
    FV_GRID_STRIDE(t, batch * n * h) {
        fv_size y = t % h, i = (t / h) % n, b = t / (n * h);
        float acc = 0.f;
        for (fv_size c = 0; c < channels; ++c) {
            const float* ac = a + (b * channels + c) * n * n;
            const float* zc = z + (b * channels + c) * h * w;
            for (fv_size x = 0; x < w; ++x) {
                float p = 0.f;
                for (fv_size j = 0; j < n; ++j) p += ac[i * n + j] * fx[(b * n + j) * w + x];
                acc += p * zc[y * w + x];
            }
        }
        dfy[t] = fv_af_scale(gamma, b, invert) * acc;
    }
}

// dFX[b,j,x] = s * sum_c sum_i A_c[i,j] (FY Z_c)[i,x].
extern "C" __global__ void afilter_dfx_f32(const float* a, const float* z, const float* fy, const float* gamma, float* dfx,
                                           fv_size batch, fv_size channels, fv_size n, fv_size h, fv_size w, int invert) {
    FV_GRID_STRIDE(t, batch * n * w) {
        fv_size x = t % w, j = (t / w) % n, b = t / (n * w);
        float acc = 0.f;
        for (fv_size c = 0; c < channels; ++c) {
            const float* ac = a + (b * channels + c) * n * n;
            const float* zc = z + (b * channels + c) * h * w;
            for (fv_size i = 0; i < n; ++i) {
                float q = 0.f;
                for (fv_size y = 0; y < h; ++y) q += fy[(b * n + i) * h + y] * zc[y * w + x];
                acc += ac[i * n + j] * q;
            }
        }
        dfx[t] = fv_af_scale(gamma, b, invert) * acc;
    }
}

// dgamma[b] = sign * <dm_b, m_b> / gamma[b]: one 256-thread block per example.
extern "C" __global__ void afilter_dgamma_f32(const float* dm, const float* m, const float* gamma, float* dgamma,
                                              fv_size batch, fv_size per, float sign) {
    for (fv_size b = blockIdx.x; b < batch; b += gridDim.x) {
        float acc = 0.f;
        for (fv_size k = threadIdx.x; k < per; k += blockDim.x) acc += dm[b * per + k] * m[b * per + k];
        float s = fv_block_reduce(acc, false);
        if (threadIdx.x == 0) dgamma[b] = sign * s / gamma[b];
    }
}
