// Batch normalisation on x viewed as [n, c, inner]: one block per channel
// (grid-stride over channels), sums reduced in double in shared memory.
#define FV_BN_THREADS 256

__device__ double fv_bn_block_sum(double v) {
    __shared__ double buf[FV_BN_THREADS];
    buf[threadIdx.x] = v;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) buf[threadIdx.x] += buf[threadIdx.x + s];
        __syncthreads();
    }
    double r = buf[0];
    __syncthreads();
    return r;
}

// The affine part y = (x - mean) * scale + shift, rounded step by step (no
// contraction into an FMA) so that the backward's ReLU mask recomputes it exactly.
__device__ __forceinline__ float fv_bn_pre(float x, float mean, float scale, float shift) {
    return __fadd_rn(__fmul_rn(__fsub_rn(x, mean), scale), shift);
}

// The fused ReLU (NaN passes, as the relu op).
__device__ __forceinline__ float fv_bn_out(float v, int relu) {
    return (relu && !(v > 0.f || isnan(v))) ? 0.f : v;
}

// Element j of channel ch: row j / inner (a sample), column j % inner.
#define FV_BN_AT(ch, j) ((((j) / inner) * c + (ch)) * inner + (j) % inner)

// Training forward: batch mean and biased variance (two passes), invstd, then y
// (through ReLU when relu).
extern "C" __global__ void bn_forward_train_f32(const float* x, const float* w, const float* b, float* y, float* mean, float* var, float* invstd, fv_size n, fv_size c, fv_size inner, float eps, int relu) {
    fv_size m = n * inner;
    for (fv_size ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double s = 0.0;
        for (fv_size j = threadIdx.x; j < m; j += blockDim.x) s += (double)x[FV_BN_AT(ch, j)];
        double mu = fv_bn_block_sum(s) / (double)m;
        double q = 0.0;
        for (fv_size j = threadIdx.x; j < m; j += blockDim.x) {
            double d = (double)x[FV_BN_AT(ch, j)] - mu;
            q += d * d;
        }
        double v = fv_bn_block_sum(q) / (double)m;
        float is = (float)(1.0 / sqrt(v + (double)eps));
        float mf = (float)mu, scale = w[ch] * is, shift = b[ch];
        if (threadIdx.x == 0) { mean[ch] = mf; var[ch] = (float)v; invstd[ch] = is; }
        for (fv_size j = threadIdx.x; j < m; j += blockDim.x) {
            fv_size at = FV_BN_AT(ch, j);
            y[at] = fv_bn_out(fv_bn_pre(x[at], mf, scale, shift), relu);
        }
    }
}

// invstd = 1/sqrt(var + eps) per channel (inference with given statistics).
extern "C" __global__ void bn_invstd_f32(const float* var, float* invstd, fv_size c, float eps) {
    FV_GRID_STRIDE(i, c) { invstd[i] = (float)(1.0 / sqrt((double)var[i] + (double)eps)); }
}

// Inference forward: y = (x - mean) * (w * invstd) + b, elementwise (then ReLU when relu).
extern "C" __global__ void bn_forward_eval_f32(const float* x, const float* w, const float* b, const float* mean, const float* invstd, float* y, fv_size total, fv_size c, fv_size inner, int relu) {
    FV_GRID_STRIDE(i, total) {
        fv_size ch = (i / inner) % c;
        y[i] = fv_bn_out(fv_bn_pre(x[i], mean[ch], w[ch] * invstd[ch], b[ch]), relu);
    }
}

// Backward, one block per channel: dbeta = sum g, dgamma = sum g * xhat, and
// dx = a*g + bb*(x - mean) + k (the fused form of PAPERS.md §2) or a*g at inference.
// With relu, g is first masked where the forward's pre-activation (recomputed
// from x and the forward's bias rb) was not positive.
extern "C" __global__ void bn_backward_f32(const float* g, const float* x, const float* w, const float* mean, const float* invstd, float* dx, float* dw, float* db, fv_size n, fv_size c, fv_size inner, int training, const float* rb, int relu) {
    fv_size m = n * inner;
    for (fv_size ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double mu = (double)mean[ch], is = (double)invstd[ch];
        float mf = mean[ch], scale = w[ch] * invstd[ch], shift = relu ? rb[ch] : 0.f;
#define FV_BN_G(at) ((relu && !(fv_bn_pre(x[at], mf, scale, shift) > 0.f)) ? 0.f : g[at])
        double sg = 0.0, sgx = 0.0;
        for (fv_size j = threadIdx.x; j < m; j += blockDim.x) {
            fv_size at = FV_BN_AT(ch, j);
            double gv = (double)FV_BN_G(at);
            sg += gv;
            sgx += gv * ((double)x[at] - mu);
        }
        sg = fv_bn_block_sum(sg);
        sgx = fv_bn_block_sum(sgx) * is;
        if (threadIdx.x == 0) { db[ch] = (float)sg; dw[ch] = (float)sgx; }
        double a = (double)w[ch] * is;
        float af = (float)a, bf = 0.f, kf = 0.f;
        if (training) {
            bf = (float)(-a * is * sgx / (double)m);
            kf = (float)(-a * sg / (double)m);
        }
        for (fv_size j = threadIdx.x; j < m; j += blockDim.x) {
            fv_size at = FV_BN_AT(ch, j);
            dx[at] = af * FV_BN_G(at) + bf * (x[at] - mf) + kf;
        }
#undef FV_BN_G
    }
}

// In place: r = (1 - momentum) r + momentum * batch; variance unbiased by m/(m-1).
extern "C" __global__ void bn_update_running_f32(float* rmean, float* rvar, const float* mean, const float* var, fv_size c, float momentum, double unbias) {
    FV_GRID_STRIDE(i, c) {
        double mo = (double)momentum;
        rmean[i] = (float)((1.0 - mo) * (double)rmean[i] + mo * (double)mean[i]);
        rvar[i] = (float)((1.0 - mo) * (double)rvar[i] + mo * unbias * (double)var[i]);
    }
}
