import Foundation

/// Why a user's network file cannot be read: the file and the problem in one line,
/// e.g. `model.onnx: node 'add' (Add) reads 'missing', which nothing before it defines`.
public struct ImportError: Error, Hashable, Sendable, LocalizedError, CustomStringConvertible {
    public let file: String
    public let problem: String

    public init(file: String, _ problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
    public var errorDescription: String? { description }
}
