import Foundation

/// A file a command is about to write: checked before the work that fills it (an epoch, a
/// forward pass of a large model), and written whole or not at all.
public struct OutputFile: Hashable, Sendable {
    public let path: String

    public init(_ path: String) {
        self.path = path
    }

    /// The folder the file goes into (`.` for a bare name).
    public var folder: String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// Throws, naming the file and the problem, when the file cannot be written: its folder
    /// does not exist or is not writable, or the path is a folder.
    public func check() throws(OutputFileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw OutputFileError(path, "it is a folder")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw OutputFileError(path, "the folder \(folder) does not exist")
        }
        guard isDirectory.boolValue else { throw OutputFileError(path, "\(folder) is not a folder") }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw OutputFileError(path, "the folder \(folder) is not writable")
        }
    }

    /// Calls `body` with a temporary path beside the file, then moves what it wrote over the
    /// file, so that an interruption or a failure never leaves half a file. The file system's
    /// failures become `OutputFileError`s; `body`'s own errors pass through. The temporary file
    /// outlives neither.
    public func write(_ body: (_ temporary: String) throws -> Void) throws {
        try check()
        let temporary = path + ".partial"
        do {
            try body(temporary)
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            guard error is CocoaError || error is POSIXError else { throw error }
            throw OutputFileError(path, Self.reason(error))
        }
    }

    /// The system's reason (`no space left on device`) rather than Foundation's sentence.
    private static func reason(_ error: Error) -> String {
        let underlying = (error as? CocoaError)?.underlying ?? error
        let ns = underlying as NSError
        guard ns.domain == NSPOSIXErrorDomain else { return "the file system refused it" }
        return String(cString: strerror(Int32(ns.code))).lowercased()
    }
}

/// A file that cannot be written, in one line: `cannot write out.json: the folder /no/such does not exist`.
public struct OutputFileError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    public let path: String
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "cannot write \(path): \(problem)" }
    public var errorDescription: String? { description }
}
