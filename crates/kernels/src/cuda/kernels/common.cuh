// Shared by every foveate CUDA module (prepended by sources.rs, NVRTC has no files).
#define FV_MAX_RANK 8
typedef unsigned long long fv_size;
#define FV_INF __int_as_float(0x7f800000)

// A strided view of up to FV_MAX_RANK axes (mirrors shape.rs).
struct FvStrided {
    fv_size rank;
    fv_size offset;
    fv_size dims[FV_MAX_RANK];
    fv_size strides[FV_MAX_RANK];
};

// Broadcasting of two operands onto one output shape.
struct FvBroadcast {
    fv_size rank;
    fv_size dims[FV_MAX_RANK];
    fv_size sa[FV_MAX_RANK];
    fv_size sb[FV_MAX_RANK];
};

#define FV_GRID_STRIDE(i, n) \
    for (fv_size i = blockIdx.x * (fv_size)blockDim.x + threadIdx.x; i < (n); i += (fv_size)blockDim.x * gridDim.x)

// Max or sum of `v` over a block of at most FV_BLOCK_THREADS threads, in shared
// memory; every thread gets the result (softmax and cross-entropy rows).
#define FV_BLOCK_THREADS 256
__device__ float fv_block_reduce(float v, bool is_max) {
    __shared__ float buf[FV_BLOCK_THREADS];
    buf[threadIdx.x] = v;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
            float a = buf[threadIdx.x], b = buf[threadIdx.x + s];
            buf[threadIdx.x] = is_max ? fmaxf(a, b) : a + b;
        }
        __syncthreads();
    }
    float r = buf[0];
    __syncthreads();
    return r;
}
