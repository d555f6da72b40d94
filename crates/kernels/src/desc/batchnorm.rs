//! The layout batch normalisation sees: x [N,C,…] as examples × channels × the
//! values of one channel in one example (H·W for images, 1 for features).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelLayout {
    pub n: usize,
    pub c: usize,
    pub inner: usize,
}

impl ChannelLayout {
    /// Values per channel in the batch: N·H·W.
    pub fn count(&self) -> usize {
        self.n * self.inner
    }
}
