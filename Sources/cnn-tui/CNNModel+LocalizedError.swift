import CNNModel
import Foundation

// CNNModel imports nothing, Foundation included, so its errors become LocalizedErrors here: the
// one line swift-argument-parser prints.

extension AnalysisError: LocalizedError {
    public var errorDescription: String? { description }
}

extension UnknownLayerError: LocalizedError {
    /// With no name close enough to suggest, the command that lists them all.
    public var errorDescription: String? {
        description + (suggestions.isEmpty ? " (see `cnn-tui summary \(model)`)" : "")
    }
}
