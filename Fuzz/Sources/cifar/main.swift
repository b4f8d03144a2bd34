import FuzzDriver

/// CIFAR binary batches, read as CIFAR-10 and as CIFAR-100.
fuzz(.cifar)
