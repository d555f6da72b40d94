// The fused pointwise LSTM cell (gate order i, f, g, o as PyTorch), one thread
// per cell (row r, unit j) of the [b, h] state.

__device__ float fv_lstm_sigmoid(float x) {
    return x >= 0.f ? 1.f / (1.f + expf(-x)) : expf(x) / (1.f + expf(x));
}

// gx, gh: [b, 4h] pre-activations, bias [4h], c [b, h]; gh and bias are read only
// when has_gh / has_bias are set (otherwise they may point anywhere).
// hs, cs [b, h] = h', c'; gates [b, 4h] = activated i, f, g, o.
extern "C" __global__ void lstm_forward_f32(const float* gx, const float* gh, const float* bias, const float* c, float* hs, float* cs, float* gates, fv_size b, fv_size h, int has_gh, int has_bias) {
    FV_GRID_STRIDE(t, b * h) {
        fv_size r = t / h, j = t % h;
        float pre[4];
        for (int q = 0; q < 4; ++q) {
            fv_size at = r * 4 * h + q * h + j;
            float v = gx[at];
            if (has_gh) v += gh[at];
            if (has_bias) v += bias[q * h + j];
            pre[q] = v;
        }
        float i = fv_lstm_sigmoid(pre[0]), f = fv_lstm_sigmoid(pre[1]);
        float g = tanhf(pre[2]), o = fv_lstm_sigmoid(pre[3]);
        float cn = f * c[t] + i * g;
        fv_size row = r * 4 * h + j;
        gates[row] = i; gates[row + h] = f; gates[row + 2 * h] = g; gates[row + 3 * h] = o;
        hs[t] = o * tanhf(cn);
        cs[t] = cn;
    }
}

// dhs, dcs [b, h] = dh', dc' (read only when has_dh / has_dc are set; absent:
// zero) -> dgates [b, 4h] (pre-activation gradients), dc [b, h]. c' is
// recomputed from the gates with the forward's own expression.
extern "C" __global__ void lstm_backward_f32(const float* dhs, const float* dcs, const float* gates, const float* c, float* dgates, float* dc, fv_size b, fv_size h, int has_dh, int has_dc) {
    FV_GRID_STRIDE(t, b * h) {
        fv_size r = t / h, j = t % h, row = r * 4 * h + j;
        float i = gates[row], f = gates[row + h], g = gates[row + 2 * h], o = gates[row + 3 * h];
        float dh = has_dh ? dhs[t] : 0.f, dcn = has_dc ? dcs[t] : 0.f;
        float cn = f * c[t] + i * g;
        float tc = tanhf(cn);
        float dct = dcn + dh * o * (1.f - tc * tc);
        dgates[row] = dct * g * i * (1.f - i);
        dgates[row + h] = dct * c[t] * f * (1.f - f);
        dgates[row + 2 * h] = dct * i * (1.f - g * g);
        dgates[row + 3 * h] = dh * tc * o * (1.f - o);
        dc[t] = dct * f;
    }
}
