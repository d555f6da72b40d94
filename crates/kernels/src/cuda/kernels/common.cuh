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
