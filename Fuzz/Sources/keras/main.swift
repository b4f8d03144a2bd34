import FuzzDriver

/// A Keras architecture (`model.to_json()`, the `config.json` of a `.keras` archive) as
/// `cnn-tui open FILE.json` takes it: the JSON, the import to a graph, and the analysis.
fuzz(.keras)
