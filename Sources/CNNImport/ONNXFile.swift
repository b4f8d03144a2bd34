import CNNFiles
import Foundation
import SwiftProtobuf

/// Reads ONNX files (a serialized `ModelProto`) into `ONNXModel` values.
public enum ONNXFile {
    /// The largest model file or external data read for one tensor: 4 GiB, refused before
    /// anything is allocated.
    public static let maxBytes = 4 << 30

    /// Reads and validates `path` (external data files resolved relative to its folder).
    /// Errors name `path` as given.
    public static func read(path: String) throws(ImportError) -> ONNXModel {
        let url = URL(fileURLWithPath: path)
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw ImportError(file: path, unreadableFileReason(path) ?? "cannot be opened")
        }
        if let reason = unreadableFileReason(path) { throw ImportError(file: path, reason) }
        if size > maxBytes {
            throw ImportError(file: path, "is \(size) bytes, more than the reader's limit of \(maxBytes) (4 GiB)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ImportError(file: path, "cannot be read (\(systemReason(error)))")
        }
        return try decode(data, folder: url.deletingLastPathComponent().path, fileName: path)
    }

    /// Decodes and validates a serialized model. `folder` is where its external data files
    /// are (nil: a model with external data is refused); `fileName` is what errors call it.
    public static func decode(_ data: Data, folder: String?, fileName: String = "ONNX data") throws(ImportError) -> ONNXModel {
        if data.count > maxBytes {
            throw ImportError(file: fileName, "is \(data.count) bytes, more than the reader's limit of \(maxBytes) (4 GiB)")
        }
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: data)
        } catch BinaryDecodingError.truncated {
            throw ImportError(file: fileName, "is not a complete ONNX file (it ends in the middle of a field: truncated?)")
        } catch BinaryDecodingError.invalidUTF8 {
            throw ImportError(file: fileName, "is not an ONNX file (corrupt protobuf data: a string that is not UTF-8)")
        } catch BinaryDecodingError.malformedProtobuf {
            throw ImportError(file: fileName, "is not an ONNX file (corrupt protobuf data: a field of no valid type or length)")
        } catch BinaryDecodingError.messageDepthLimit {
            throw ImportError(file: fileName, "is not an ONNX file (corrupt protobuf data: messages nested over 100 deep)")
        } catch {
            throw ImportError(file: fileName, "is not an ONNX file (corrupt protobuf data: \(error))")
        }
        return try ONNXModelReader(file: fileName, folder: folder).model(proto)
    }
}
