import CNNFiles
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

    /// Calls `body` with a temporary path beside the file, flushes what it wrote to the disk,
    /// then renames it over the file in one step (`rename(2)`), so that whenever the program
    /// stops (an error, Ctrl-C, SIGKILL, a power cut) the file is the old one or the new one,
    /// never half of one and never missing. The file system's failures become
    /// `OutputFileError`s; `body`'s own errors pass through. The temporary file outlives neither.
    public func write(_ body: (_ temporary: String) throws -> Void) throws {
        try check()
        let temporary = path + ".partial"
        do {
            try body(temporary)
            try Self.flush(temporary)
            guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            guard error is CocoaError || error is POSIXError else { throw error }
            throw OutputFileError(path, systemReason(error))
        }
    }

    /// Waits until the file's bytes are on the disk (else a crash of the machine right after the
    /// rename could leave the new name on an empty file).
    private static func flush(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
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
