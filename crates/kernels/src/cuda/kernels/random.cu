// Philox4x32-10, identical to cpu/rng.rs: element i of a draw uses block offset + i.
__device__ void fv_philox(unsigned long long seed, unsigned long long counter, unsigned int out[4]) {
    unsigned int c0 = (unsigned int)counter, c1 = (unsigned int)(counter >> 32), c2 = 0, c3 = 0;
    unsigned int k0 = (unsigned int)seed, k1 = (unsigned int)(seed >> 32);
    for (int round = 0; round < 10; ++round) {
        if (round > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
        unsigned int hi0 = __umulhi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
        unsigned int hi1 = __umulhi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
        unsigned int n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
        c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

#define FV_INV_2_24 (1.0f / 16777216.0f)

// kind 0: uniform [a, b); 1: normal (mean a, std b); 2: bernoulli (p = a).
extern "C" __global__ void random_f32(float* out, fv_size n, unsigned long long seed, unsigned long long offset, int kind, float a, float b) {
    FV_GRID_STRIDE(i, n) {
        unsigned int w[4];
        fv_philox(seed, offset + i, w);
        float v;
        if (kind == 0) {
            v = a + (b - a) * ((float)(w[0] >> 8) * FV_INV_2_24);
        } else if (kind == 1) {
            float u1 = (float)((w[0] >> 8) + 1) * FV_INV_2_24;
            float u2 = (float)(w[1] >> 8) * FV_INV_2_24;
            v = a + b * sqrtf(-2.f * logf(u1)) * cosf(6.283185307179586f * u2);
        } else {
            v = ((float)(w[0] >> 8) * FV_INV_2_24) < a ? 1.f : 0.f;
        }
        out[i] = v;
    }
}
