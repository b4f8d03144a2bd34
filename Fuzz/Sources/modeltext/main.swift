import FuzzDriver

/// A model file written by hand (`.cnn`) as `cnn-tui open FILE.cnn` takes it: the text, the
/// graph, and the analysis.
fuzz(.modeltext)
