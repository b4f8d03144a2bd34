import FuzzDriver

/// An ONNX file as `cnn-tui open FILE.onnx` takes it: the protobuf, the import to a graph, and
/// the analysis (shapes, parameters, mult-adds, receptive fields).
fuzz(.onnx)
