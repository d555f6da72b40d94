// The fused pointwise LSTM cell (gate order i, f, g, o as PyTorch), one thread
// per cell (row r, unit j) of the [b, h] state.

__device__ float fv_lstm_sigmoid(float x) {
    return x >= 0.f ? 1.f / (1.f + expf(-x)) : expf(x) / (1.f + expf(x));
}

// gx, gh: [b, 4h] pre-activations, bias [4h], c [b, h]; gh and bias are read only
// when has_gh / has_bias are set (otherwise they may point anywhere).
// state [2, b, h] = [h'; c'], gates [b, 4h] = activated i, f, g, o.
extern "C" __global__ void lstm_forward_f32(const float* gx, const float* gh, const float* bias, const float* c, float* state, float* gates, fv_size b, fv_size h, int has_gh, int has_bias) {
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
        state[t] = o * tanhf(cn);
        state[b * h + t] = cn;
    }
}

// gs [2, b, h] = [dh'; dc'] -> dgates [b, 4h] (pre-activation gradients), dc [b, h].
extern "C" __global__ void lstm_backward_f32(const float* gs, const float* gates, const float* c, const float* state, float* dgates, float* dc, fv_size b, fv_size h) {
    FV_GRID_STRIDE(t, b * h) {
        fv_size r = t / h, j = t % h, row = r * 4 * h + j;
        float i = gates[row], f = gates[row + h], g = gates[row + 2 * h], o = gates[row + 3 * h];
        float dh = gs[t], dcn = gs[b * h + t];
        float tc = tanhf(state[b * h + t]);
        float dct = dcn + dh * o * (1.f - tc * tc);
        dgates[row] = dct * g * i * (1.f - i);
        dgates[row + h] = dct * c[t] * f * (1.f - f);
        dgates[row + 2 * h] = dct * i * (1.f - g * g);
        dgates[row + 3 * h] = dh * tc * o * (1.f - o);
        dc[t] = dct * f;
    }
}
