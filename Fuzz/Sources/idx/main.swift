import FuzzDriver

/// An IDX array, plain or gzip (the reader decompresses what starts with gzip's magic), and the
/// pairing of images with labels that MNIST folders need.
fuzz(.idx)
