import FuzzDriver

/// A weights file: the header's JSON, shapes, dtypes and offsets, then the tensors.
fuzz(.safetensors)
