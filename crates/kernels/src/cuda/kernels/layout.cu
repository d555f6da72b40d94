// Data movement for float and int tensors (the same bits, two symbols each).

template <typename T>
__device__ void fv_strided_copy(const T* src, T* dst, fv_size n, FvStrided v) {
    FV_GRID_STRIDE(i, n) {
        fv_size rem = i, at = v.offset;
        for (int d = (int)v.rank - 1; d >= 0; --d) {
            at += (rem % v.dims[d]) * v.strides[d];
            rem /= v.dims[d];
        }
        dst[i] = src[at];
    }
}

// Writes one part of a concat: src viewed [outer, width] into dst [outer, total] at column `col`.
template <typename T>
__device__ void fv_concat_part(const T* src, T* dst, fv_size outer, fv_size width, fv_size total, fv_size col) {
    FV_GRID_STRIDE(i, outer * width) {
        dst[(i / width) * total + col + i % width] = src[i];
    }
}

template <typename T>
__device__ void fv_index_select(const T* x, const int* index, T* out, fv_size outer, fv_size n, fv_size inner, fv_size count) {
    FV_GRID_STRIDE(i, outer * count * inner) {
        fv_size k = i % inner, j = (i / inner) % count, o = i / (inner * count);
        out[i] = x[(o * n + (fv_size)index[j]) * inner + k];
    }
}

// PyTorch gather: `v` holds out's dims and x's strides; axis coordinates come from index.
template <typename T>
__device__ void fv_gather(const T* x, const int* index, T* out, fv_size n, FvStrided v, fv_size axis) {
    FV_GRID_STRIDE(i, n) {
        fv_size rem = i, at = 0;
        for (int d = (int)v.rank - 1; d >= 0; --d) {
            fv_size c = rem % v.dims[d];
            rem /= v.dims[d];
            at += ((fv_size)d == axis ? (fv_size)index[i] : c) * v.strides[d];
        }
        out[i] = x[at];
    }
}

#define FV_LAYOUT(T, S) \
extern "C" __global__ void lstrided_##S(const T* src, T* dst, fv_size n, FvStrided v) { fv_strided_copy(src, dst, n, v); } \
extern "C" __global__ void lconcat_##S(const T* src, T* dst, fv_size outer, fv_size width, fv_size total, fv_size col) { fv_concat_part(src, dst, outer, width, total, col); } \
extern "C" __global__ void lindex_select_##S(const T* x, const int* index, T* out, fv_size outer, fv_size n, fv_size inner, fv_size count) { fv_index_select(x, index, out, outer, n, inner, count); } \
extern "C" __global__ void lgather_##S(const T* x, const int* index, T* out, fv_size n, FvStrided v, fv_size axis) { fv_gather(x, index, out, n, v, axis); }

FV_LAYOUT(float, f32)
FV_LAYOUT(int, i32)
