import CNNFiles
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

extension DataError {
    /// The bytes of the file at `path`; a missing, unreadable or folder path is an error that
    /// says which.
    static func contents(of path: String) throws -> Data {
        if let reason = unreadableFileReason(path) { throw DataError(path, reason) }
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError(path, "cannot be read") }
        return data
    }
}
