// Losses from logits. BCE elementwise; cross-entropy one block per row (max and
// sum of exp reduced in shared memory, as softmax.cu), backward elementwise.

// max(x, 0) - x t + log(1 + e^{-|x|}).
extern "C" __global__ void loss_bce_f32(const float* x, const float* t, float* out, fv_size n) {
    FV_GRID_STRIDE(i, n) {
        float v = x[i];
        out[i] = fmaxf(v, 0.f) - v * t[i] + log1pf(expf(-fabsf(v)));
    }
}

// loss[r] = log sum_j e^{x_rj} - x_{r,t_r} (0 where t_r == ignore and has_ignore); prob = softmax.
extern "C" __global__ void loss_ce_f32(const float* x, const int* targets, float* loss, float* prob, fv_size n, fv_size k, int has_ignore, int ignore) {
    for (fv_size r = blockIdx.x; r < n; r += gridDim.x) {
        const float* src = x + r * k;
        float m = -FV_INF;
        for (fv_size j = threadIdx.x; j < k; j += blockDim.x) m = fmaxf(m, src[j]);
        m = fv_block_reduce(m, true);
        if (!isfinite(m)) m = 0.f;
        float s = 0.f;
        for (fv_size j = threadIdx.x; j < k; j += blockDim.x) s += expf(src[j] - m);
        s = fv_block_reduce(s, false);
        for (fv_size j = threadIdx.x; j < k; j += blockDim.x) prob[r * k + j] = expf(src[j] - m) / s;
        if (threadIdx.x == 0) {
            int t = targets[r];
            loss[r] = (has_ignore && t == ignore) ? 0.f : logf(s) - (src[t] - m);
        }
    }
}

// dx[r, j] = g[r] (prob[r, j] - [j == t_r]); 0 on ignored rows.
extern "C" __global__ void loss_ce_backward_f32(const float* prob, const int* targets, const float* g, float* dx, fv_size n, fv_size k, int has_ignore, int ignore) {
    FV_GRID_STRIDE(i, n * k) {
        fv_size r = i / k, j = i % k;
        int t = targets[r];
        dx[i] = (has_ignore && t == ignore) ? 0.f : g[r] * (prob[i] - ((fv_size)t == j ? 1.f : 0.f));
    }
}
