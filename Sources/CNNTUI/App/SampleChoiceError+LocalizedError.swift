import Foundation

/// The reason is the one line a command prints (`cnn-tui open --sample`).
extension SampleChoiceError: LocalizedError {
    public var errorDescription: String? { description }
}
