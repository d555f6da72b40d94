// Softmax / log-softmax along the middle axis of [outer, n, inner]: one block per
// (outer, inner) row; max, then sum of exp(x - max), both reduced in shared memory.

extern "C" __global__ void softmax_f32(const float* x, float* out, fv_size outer, fv_size n, fv_size inner, int log_space) {
    for (fv_size r = blockIdx.x; r < outer * inner; r += gridDim.x) {
        fv_size o = r / inner, i = r % inner;
        const float* src = x + o * n * inner + i;
        float* dst = out + o * n * inner + i;
        float m = -FV_INF;
        for (fv_size j = threadIdx.x; j < n; j += blockDim.x) m = fmaxf(m, src[j * inner]);
        m = fv_block_reduce(m, true);
        if (!isfinite(m)) m = 0.f;
        float s = 0.f;
        for (fv_size j = threadIdx.x; j < n; j += blockDim.x) s += expf(src[j * inner] - m);
        s = fv_block_reduce(s, false);
        float lse = logf(s);
        for (fv_size j = threadIdx.x; j < n; j += blockDim.x) {
            float v = src[j * inner] - m;
            dst[j * inner] = log_space ? v - lse : expf(v) / s;
        }
    }
}
