import CZlibSystem
import Foundation

/// gzip (and zlib) decompression through zlib, for `.gz` data files.
public enum Gzip {
    /// Whether `data` starts with the gzip magic number.
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The most bytes one stream may inflate to, 2 GiB (MNIST's training images are 47 MB): a
    /// small file that claims more is refused, not inflated until memory runs out.
    public static let maxInflatedBytes = 1 << 31

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
        var tooLarge = false
        input.withUnsafeMutableBufferPointer { source in
            var offset = 0
            repeat {
                // zlib counts its input in 32 bits: hand it at most 1 GiB at a time.
                if stream.avail_in == 0, offset < source.count {
                    let n = min(source.count - offset, 1 << 30)
                    stream.next_in = source.baseAddress! + offset
                    stream.avail_in = uInt(n)
                    offset += n
                }
                buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(out.baseAddress!, count: chunk - Int(stream.avail_out))
                }
                if output.count > maxInflatedBytes { tooLarge = true }
            } while status == Z_OK && !tooLarge
        }
        if tooLarge {
            throw DataError(file, "inflates to more than \(maxInflatedBytes >> 30) GiB (cnn-tui's limit for a compressed file)")
        }
        guard status == Z_STREAM_END else {
            throw DataError(file, status == Z_BUF_ERROR ? "the gzip stream is truncated" : "the gzip stream is corrupt")
        }
        return output
    }
}
