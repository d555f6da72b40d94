// Max and average pooling on the GPU; mirrors cpu/pool.rs and ops::pool::Pool2dGeom.
// Backward kernels gather over the windows that cover each input element, so no
// atomics are needed and sums do not depend on thread order.
struct FvPool {
    fv_size planes, h, w, ho, wo, kh, kw, sh, sw, ph, pw;
};

// Window o's [start, end) along one axis, clipped to the input; *span: clipped to the padded input only.
__device__ void fv_window(fv_size o, fv_size stride, fv_size pad, fv_size k, fv_size size, fv_size* s, fv_size* e, fv_size* span) {
    long long start = (long long)(o * stride) - (long long)pad;
    long long end = start + (long long)k;
    if (end > (long long)(size + pad)) end = (long long)(size + pad);
    *span = (fv_size)(end - start);
    *s = start < 0 ? 0 : (fv_size)start;
    *e = end > (long long)size ? size : (fv_size)(end < 0 ? 0 : end);
    if (*e < *s) *e = *s;
}

// The output rows (or columns) whose windows hold input coordinate i: [lo, hi).
__device__ void fv_covering(fv_size i, fv_size stride, fv_size pad, fv_size k, fv_size out, fv_size* lo, fv_size* hi) {
    long long first = (long long)(i + pad) - (long long)k + 1;  // o·stride ≥ i + pad − k + 1
    *lo = first <= 0 ? 0 : (fv_size)((first + (long long)stride - 1) / (long long)stride);
    fv_size last = (i + pad) / stride + 1;                      // o·stride ≤ i + pad
    *hi = last < out ? last : out;
}

extern "C" __global__ void pmax_forward_f32(const float* x, float* out, int* idx, FvPool g) {
    FV_GRID_STRIDE(t, g.planes * g.ho * g.wo) {
        fv_size ow = t % g.wo, oh = (t / g.wo) % g.ho, p = t / (g.wo * g.ho);
        fv_size h0, h1, w0, w1, span;
        fv_window(oh, g.sh, g.ph, g.kh, g.h, &h0, &h1, &span);
        fv_window(ow, g.sw, g.pw, g.kw, g.w, &w0, &w1, &span);
        const float* plane = x + p * g.h * g.w;
        fv_size at = h0 * g.w + w0;
        float best = plane[at];
        for (fv_size ih = h0; ih < h1; ++ih) {
            for (fv_size iw = w0; iw < w1; ++iw) {
                float v = plane[ih * g.w + iw];
                if (v > best || (isnan(v) && !isnan(best))) { best = v; at = ih * g.w + iw; }
            }
        }
        out[t] = best;
        idx[t] = (int)at;
    }
}

extern "C" __global__ void pmax_backward_f32(const float* dy, const int* idx, float* dx, FvPool g) {
    FV_GRID_STRIDE(t, g.planes * g.h * g.w) {
        fv_size iw = t % g.w, ih = (t / g.w) % g.h, p = t / (g.w * g.h);
        fv_size oh0, oh1, ow0, ow1;
        fv_covering(ih, g.sh, g.ph, g.kh, g.ho, &oh0, &oh1);
        fv_covering(iw, g.sw, g.pw, g.kw, g.wo, &ow0, &ow1);
        int me = (int)(ih * g.w + iw);
        fv_size base = p * g.ho * g.wo;
        float acc = 0.0f;
        for (fv_size oh = oh0; oh < oh1; ++oh)
            for (fv_size ow = ow0; ow < ow1; ++ow)
                if (idx[base + oh * g.wo + ow] == me) acc += dy[base + oh * g.wo + ow];
        dx[t] = acc;
    }
}

__device__ float fv_divisor(const FvPool& g, fv_size oh, fv_size ow, bool include_pad) {
    fv_size h0, h1, hs, w0, w1, ws;
    fv_window(oh, g.sh, g.ph, g.kh, g.h, &h0, &h1, &hs);
    fv_window(ow, g.sw, g.pw, g.kw, g.w, &w0, &w1, &ws);
    return include_pad ? (float)(hs * ws) : (float)((h1 - h0) * (w1 - w0));
}

extern "C" __global__ void pavg_forward_f32(const float* x, float* out, FvPool g, int include_pad) {
    FV_GRID_STRIDE(t, g.planes * g.ho * g.wo) {
        fv_size ow = t % g.wo, oh = (t / g.wo) % g.ho, p = t / (g.wo * g.ho);
        fv_size h0, h1, w0, w1, span;
        fv_window(oh, g.sh, g.ph, g.kh, g.h, &h0, &h1, &span);
        fv_window(ow, g.sw, g.pw, g.kw, g.w, &w0, &w1, &span);
        const float* plane = x + p * g.h * g.w;
        float s = 0.0f;
        for (fv_size ih = h0; ih < h1; ++ih)
            for (fv_size iw = w0; iw < w1; ++iw) s += plane[ih * g.w + iw];
        out[t] = s / fv_divisor(g, oh, ow, include_pad != 0);
    }
}

extern "C" __global__ void pavg_backward_f32(const float* dy, float* dx, FvPool g, int include_pad) {
    FV_GRID_STRIDE(t, g.planes * g.h * g.w) {
        fv_size iw = t % g.w, ih = (t / g.w) % g.h, p = t / (g.w * g.h);
        fv_size oh0, oh1, ow0, ow1;
        fv_covering(ih, g.sh, g.ph, g.kh, g.ho, &oh0, &oh1);
        fv_covering(iw, g.sw, g.pw, g.kw, g.wo, &ow0, &ow1);
        fv_size base = p * g.ho * g.wo;
        float acc = 0.0f;
        for (fv_size oh = oh0; oh < oh1; ++oh)
            for (fv_size ow = ow0; ow < ow1; ++ow)
                acc += dy[base + oh * g.wo + ow] / fv_divisor(g, oh, ow, include_pad != 0);
        dx[t] = acc;
    }
}
