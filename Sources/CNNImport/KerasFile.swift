import CNNFiles
import CNNModel
import Foundation
import ZIPFoundation

/// Reads Keras architecture files into `KerasModel` values: the JSON of `model.to_json()`
/// (`*.json`), or a `.keras` archive (a zip), of which only `config.json` and `metadata.json`
/// are read: the weights in `model.weights.h5` are not.
public enum KerasFile {
    /// The largest architecture JSON read, 64 MiB (VGG16's is 21 KB, MobileNetV2's 160 KB),
    /// refused before it is read or unpacked.
    public static let maxBytes = 64 << 20

    /// Whether `path` names a Keras file by its extension: `.keras` or `.json`.
    public static func isKerasFile(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".keras") || lower.hasSuffix(".json")
    }

    /// Reads `path`, a `.keras` archive or a `to_json()` file. Errors name `path` as given.
    public static func read(path: String) throws(ImportError) -> KerasModel {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw ImportError(file: path, unreadableFileReason(path) ?? "cannot be opened")
        }
        if let reason = unreadableFileReason(path) { throw ImportError(file: path, reason) }
        if path.lowercased().hasSuffix(".keras") { return try readArchive(path: path) }
        if size > maxBytes {
            throw ImportError(file: path, "is \(size) bytes, more than the Keras reader's limit of \(maxBytes) (64 MiB)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: path, "cannot be read")
        }
        return try decode(data, version: nil, file: path)
    }

    /// The model in `data`, a `to_json()` document; `version` is the archive's, when it has one.
    public static func decode(_ data: Data, file: String) throws(ImportError) -> KerasModel {
        try decode(data, version: nil, file: file)
    }

    static func decode(_ data: Data, version: String?, file: String) throws(ImportError) -> KerasModel {
        guard let json = JSONValue(parsing: data) else {
            throw ImportError(file: file, "is not a Keras model file (not valid JSON)")
        }
        return try KerasModel(json, version: version, file: file)
    }

    /// `config.json` (and the Keras version from `metadata.json`) of a `.keras` zip.
    static func readArchive(path: String) throws(ImportError) -> KerasModel {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ImportError(file: path, "is not a .keras file (not a zip archive)")
        }
        guard let config = archive["config.json"] else {
            throw ImportError(file: path, "is not a .keras file (the archive has no config.json)")
        }
        let data = try extract(config, from: archive, path: path)
        var version: String?
        if let metadata = archive["metadata.json"], let json = JSONValue(parsing: try extract(metadata, from: archive, path: path)) {
            version = json["keras_version"]?.string
        }
        var model = try decode(data, version: version, file: path)
        model.archivedWeights = archive["model.weights.h5"] != nil
        return model
    }

    /// An entry's bytes, stopping at `maxBytes` whatever its header claims (a zip bomb).
    private static func extract(_ entry: Entry, from archive: Archive, path: String) throws(ImportError) -> Data {
        guard entry.uncompressedSize <= UInt64(maxBytes) else {
            throw ImportError(file: path, "has a \(entry.path) of \(entry.uncompressedSize) bytes, more than the Keras reader's limit of \(maxBytes) (64 MiB)")
        }
        var data = Data()
        do {
            _ = try archive.extract(entry) { chunk in
                guard data.count + chunk.count <= maxBytes else { throw CocoaError(.fileReadTooLarge) }
                data.append(chunk)
            }
        } catch {
            throw ImportError(file: path, "has a \(entry.path) that cannot be unpacked (a corrupt archive)")
        }
        return data
    }
}
