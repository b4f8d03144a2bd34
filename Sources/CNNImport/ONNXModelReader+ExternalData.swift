import CNNFiles
import CNNModel
import Foundation

extension ONNXModelReader {
    /// The `byteCount` bytes at `location`/`offset`/`length` of a tensor stored outside the
    /// model, in a file inside the model's folder (an absolute path, `..` or a symbolic link
    /// leading out of the folder is refused: a model must not read the user's other files).
    func externalData(_ proto: Onnx_TensorProto, label: String, byteCount: Int) throws(ImportError) -> Data {
        let entries = Dictionary(proto.externalData.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        guard let location = entries["location"], !location.isEmpty else {
            throw failure("\(label) is stored externally but names no location")
        }
        guard let folder else {
            throw failure("\(label) is stored in '\(location)', but the model was not read from a file")
        }
        let components = location.split(separator: "/", omittingEmptySubsequences: false)
        if location.hasPrefix("/") || location.contains("\\") || components.contains("..") {
            throw failure("\(label) is stored in '\(location)', outside the model's folder")
        }
        let folderURL = URL(fileURLWithPath: folder).resolvingSymlinksInPath()
        let url = folderURL.appendingPathComponent(location).resolvingSymlinksInPath()
        guard url.path.hasPrefix(folderURL.path + "/") else {
            throw failure("\(label) is stored in '\(location)', which leads outside the model's folder")
        }
        guard let offset = Int(entries["offset"] ?? "0"), offset >= 0 else {
            throw failure("\(label) has external data offset '\(entries["offset"] ?? "")', not a number of bytes")
        }
        let fileSize: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            fileSize = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw failure("\(label) is stored in '\(location)', which cannot be opened")
        }
        let length: Int
        if let text = entries["length"] {
            guard let value = Int(text), value >= 0 else {
                throw failure("\(label) has external data length '\(text)', not a number of bytes")
            }
            length = value
        } else {
            length = max(0, fileSize - offset)
        }
        guard let end = checkedSum([offset, length]), end <= fileSize else {
            throw failure("\(label): external data at offset \(offset), length \(length) runs past the end of '\(location)' (\(fileSize) bytes)")
        }
        if length != byteCount {
            throw failure("\(label) has \(length) bytes of external data, but its dims need \(byteCount)")
        }
        if length > ONNXFile.maxBytes {
            throw failure("\(label) has \(length) bytes of external data, more than the reader's limit of 4 GiB")
        }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw failure("\(label) is stored in '\(location)', which cannot be opened")
        }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: UInt64(offset))
            let data = try handle.read(upToCount: length) ?? Data()
            guard data.count == length else {
                throw failure("\(label): '\(location)' ended after \(data.count) of \(length) bytes")
            }
            return data
        } catch let error as ImportError {
            throw error
        } catch {
            throw failure("\(label): '\(location)' cannot be read (\(systemReason(error)))")
        }
    }
}
