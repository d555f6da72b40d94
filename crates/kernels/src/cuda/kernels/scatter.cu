// Adjoints of the gathering kernels. Destinations start zeroed (alloc_zeros);
// index_add and scatter_add may hit one element from many threads: atomicAdd.

// Inverse of lstrided: element i of src goes to dst[offset + Σ idx_d · strides_d].
extern "C" __global__ void sstrided_scatter_f32(const float* src, float* dst, fv_size n, FvStrided v) {
    FV_GRID_STRIDE(i, n) {
        fv_size rem = i, at = v.offset;
        for (int d = (int)v.rank - 1; d >= 0; --d) {
            at += (rem % v.dims[d]) * v.strides[d];
            rem /= v.dims[d];
        }
        dst[at] = src[i];
    }
}

// src [outer, count, inner] -> dst [outer, dim, inner]: dst[o, index[j], k] += src[o, j, k].
extern "C" __global__ void sindex_add_f32(const float* src, const int* index, float* dst, fv_size outer, fv_size count, fv_size inner, fv_size dim) {
    FV_GRID_STRIDE(i, outer * count * inner) {
        fv_size k = i % inner, j = (i / inner) % count, o = i / (inner * count);
        atomicAdd(&dst[(o * dim + (fv_size)index[j]) * inner + k], src[i]);
    }
}

// `v` holds src's dims and dst's strides: dst[p with axis coordinate index[p]] += src[p].
extern "C" __global__ void sscatter_add_f32(const float* src, const int* index, float* dst, fv_size n, FvStrided v, fv_size axis) {
    FV_GRID_STRIDE(i, n) {
        fv_size rem = i, at = 0;
        for (int d = (int)v.rank - 1; d >= 0; --d) {
            fv_size c = rem % v.dims[d];
            rem /= v.dims[d];
            at += ((fv_size)d == axis ? (fv_size)index[i] : c) * v.strides[d];
        }
        atomicAdd(&dst[at], src[i]);
    }
}
