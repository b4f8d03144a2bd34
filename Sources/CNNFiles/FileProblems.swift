import Foundation

/// The system's reason a file operation failed, in a few words (`permission denied`, `no space
/// left on device`, `is a directory`), for messages that name the file themselves: Foundation's
/// own sentences ("The file “x” couldn’t be opened because…") never reach the user.
public func systemReason(_ error: Error) -> String {
    var underlying: Error = error
    if let cocoa = error as? CocoaError, let inner = cocoa.underlying { underlying = inner }
    let ns = underlying as NSError
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))).lowercased() }
    if let cocoa = error as? CocoaError {
        switch cocoa.code {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileReadTooLarge: return "too large to read"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        default: break
        }
    }
    return "the system refused it"
}

/// Why the file at `path` cannot be read, in a few words ("no such file", "a folder, not a
/// file", "not readable"), or nil when it can be: checked before reading, so that a folder
/// given for a file is said to be one (and never handed to a reader that would loop on it).
public func unreadableFileReason(_ path: String) -> String? {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return "no such file" }
    if isFolder.boolValue { return "is a folder, not a file" }
    // A device or a pipe (`/dev/zero`, a FIFO) would be read forever or block.
    let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    if type != .typeRegular { return "is not a regular file (a device or a pipe?)" }
    return FileManager.default.isReadableFile(atPath: path) ? nil : "is not readable (permission denied)"
}
