// conv2d's data movement on the GPU: im2col, col2im and the bias; the products
// go through cuBLAS (cuda/conv.rs). Sizes mirror ops::conv::Conv2dGeom.
struct FvConv {
    fv_size n, c, h, w, o, kh, kw, ho, wo, sh, sw, ph, pw, dh, dw, groups;
};

// x [count, C, H, W] -> col [count, C·kh·kw, Ho·Wo], zero where the window leaves the input.
extern "C" __global__ void cim2col_f32(const float* x, float* col, fv_size count, FvConv g) {
    fv_size howo = g.ho * g.wo, kk = g.kh * g.kw;
    FV_GRID_STRIDE(t, count * g.c * kk * howo) {
        fv_size ow = t % g.wo, oh = (t / g.wo) % g.ho;
        fv_size r = (t / howo) % (g.c * kk), s = t / (howo * g.c * kk);
        fv_size ch = r / kk, i = (r / g.kw) % g.kh, j = r % g.kw;
        long long ih = (long long)(oh * g.sh + i * g.dh) - (long long)g.ph;
        long long iw = (long long)(ow * g.sw + j * g.dw) - (long long)g.pw;
        float v = 0.0f;
        if (ih >= 0 && ih < (long long)g.h && iw >= 0 && iw < (long long)g.w) {
            v = x[((s * g.c + ch) * g.h + (fv_size)ih) * g.w + (fv_size)iw];
        }
        col[t] = v;
    }
}

// The adjoint of cim2col, gathered: each input element sums the columns that read it
// (no atomics, so the result does not depend on thread order).
extern "C" __global__ void ccol2im_f32(const float* col, float* dx, fv_size count, FvConv g) {
    fv_size howo = g.ho * g.wo, kk = g.kh * g.kw;
    FV_GRID_STRIDE(t, count * g.c * g.h * g.w) {
        fv_size iw = t % g.w, ih = (t / g.w) % g.h, ch = (t / (g.w * g.h)) % g.c, s = t / (g.w * g.h * g.c);
        const float* base = col + (s * g.c + ch) * kk * howo;
        float acc = 0.0f;
        for (fv_size i = 0; i < g.kh; ++i) {
            long long top = (long long)(ih + g.ph) - (long long)(i * g.dh);
            if (top < 0 || top % (long long)g.sh != 0) continue;
            fv_size oh = (fv_size)top / g.sh;
            if (oh >= g.ho) continue;
            for (fv_size j = 0; j < g.kw; ++j) {
                long long left = (long long)(iw + g.pw) - (long long)(j * g.dw);
                if (left < 0 || left % (long long)g.sw != 0) continue;
                fv_size ow = (fv_size)left / g.sw;
                if (ow >= g.wo) continue;
                acc += base[(i * g.kw + j) * howo + oh * g.wo + ow];
            }
        }
        dx[t] = acc;
    }
}

// out = min(max(out, lo), hi) (conv2d's fused activation; NaN passes).
extern "C" __global__ void cclamp_f32(float* out, fv_size total, float lo, float hi) {
    FV_GRID_STRIDE(t, total) {
        float v = out[t];
        out[t] = v < lo ? lo : (v > hi ? hi : v);
    }
}

// out [n, o, hw] += bias[o].
extern "C" __global__ void cbias_f32(float* out, const float* bias, fv_size total, fv_size o, fv_size hw) {
    FV_GRID_STRIDE(t, total) { out[t] += bias[(t / hw) % o]; }
}
