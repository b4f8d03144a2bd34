import CZlibSystem
import Foundation

/// gzip (and zlib) decompression through zlib, for `.gz` data files.
public enum Gzip {
    /// Whether `data` starts with the gzip magic number.
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The decompressed bytes; `file` names the data in errors.
    public static func decompress(_ data: Data, file: String) throws -> Data {
        var stream = z_stream()
        guard cnn_inflate_init_auto(&stream) == Z_OK else { throw DataError(file, "zlib could not start") }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        var input = [UInt8](data)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            repeat {
                buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(out.baseAddress!, count: chunk - Int(stream.avail_out))
                }
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else {
            throw DataError(file, status == Z_BUF_ERROR ? "the gzip stream is truncated" : "the gzip stream is corrupt")
        }
        return output
    }
}
