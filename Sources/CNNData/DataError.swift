import Foundation

/// A data file that cannot be read, with the file and the problem in one line.
public struct DataError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    public let file: String
    public let problem: String

    public init(_ file: String, _ problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
    public var errorDescription: String? { description }
}
