// Batch norm's defaults, PyTorch's: the op and the nn layers read them here.

/** Weight of the new batch in the running averages. */
export const BATCH_NORM_MOMENTUM = 0.1;
/** Added to the variance before the square root. */
export const BATCH_NORM_EPS = 1e-5;
