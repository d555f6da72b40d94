// One block per output element of a [outer, n, inner] reduction; the block's
// threads stride over n and combine in shared memory.
#define FV_REDUCE_THREADS 256

template <typename Op>
__device__ void fv_reduce(const float* x, float* out, fv_size outer, fv_size n, fv_size inner, Op op, float init) {
    __shared__ float acc[FV_REDUCE_THREADS];
    for (fv_size r = blockIdx.x; r < outer * inner; r += gridDim.x) {
        fv_size o = r / inner, i = r % inner;
        const float* src = x + o * n * inner + i;
        float a = init;
        for (fv_size j = threadIdx.x; j < n; j += blockDim.x) a = op(a, src[j * inner]);
        acc[threadIdx.x] = a;
        __syncthreads();
        for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
            if (threadIdx.x < s) acc[threadIdx.x] = op(acc[threadIdx.x], acc[threadIdx.x + s]);
            __syncthreads();
        }
        if (threadIdx.x == 0) out[r] = acc[0];
        __syncthreads();
    }
}

struct FvSum { __device__ float operator()(float a, float b) const { return a + b; } };
struct FvMax { __device__ float operator()(float a, float b) const { return (b > a || isnan(b)) && !isnan(a) ? b : a; } };
struct FvMin { __device__ float operator()(float a, float b) const { return (b < a || isnan(b)) && !isnan(a) ? b : a; } };

extern "C" __global__ void rsum_f32(const float* x, float* out, fv_size outer, fv_size n, fv_size inner) {
    fv_reduce(x, out, outer, n, inner, FvSum(), 0.f);
}
extern "C" __global__ void rmax_f32(const float* x, float* out, fv_size outer, fv_size n, fv_size inner) {
    fv_reduce(x, out, outer, n, inner, FvMax(), -FV_INF);
}
extern "C" __global__ void rmin_f32(const float* x, float* out, fv_size outer, fv_size n, fv_size inner) {
    fv_reduce(x, out, outer, n, inner, FvMin(), FV_INF);
}

// First index of the maximum (a NaN counts as the maximum), one thread per output.
extern "C" __global__ void rargmax_f32(const float* x, int* out, fv_size outer, fv_size n, fv_size inner) {
    FV_GRID_STRIDE(r, outer * inner) {
        fv_size o = r / inner, i = r % inner;
        const float* src = x + o * n * inner + i;
        float best = src[0];
        fv_size at = 0;
        for (fv_size j = 1; j < n && !isnan(best); ++j) {
            float v = src[j * inner];
            if (v > best || isnan(v)) { best = v; at = j; }
        }
        out[r] = (int)at;
    }
}
