import CZlibSystem
import Foundation
import TestSupport
import XCTest

@testable import CNNData

/// The readers on hand-made files, and on corrupt, truncated and random ones: every bad file is a
/// one-line error naming the file, never a crash.
final class ReaderTests: XCTestCase {
    /// gzip-compresses `data` with zlib (window bits 15 + 16 write a gzip header).
    private func gzip(_ data: Data) -> Data {
        var stream = z_stream()
        deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: data.count + 1024)
        let produced = input.withUnsafeMutableBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                deflate(&stream, Z_FINISH)
                return dst.count - Int(stream.avail_out)
            }
        }
        return Data(output.prefix(produced))
    }

    private let twoDigits = IDXArray(dims: [2, 2, 3], bytes: [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255])
    private let twoLabels = IDXArray(dims: [2], bytes: [7, 3])

    func testIDXPlainAndGzipped() throws {
        let plain = twoDigits.encoded()
        XCTAssertEqual(Array(plain.prefix(4)), [0, 0, 8, 3], "MNIST images' magic number 0x00000803")
        XCTAssertEqual(try IDXArray.decode(plain, file: "a"), twoDigits)
        XCTAssertEqual(try IDXArray.decode(gzip(plain), file: "a.gz"), twoDigits)
        let images = try MNISTFiles.pair(twoDigits, twoLabels, imagesFile: "i", labelsFile: "l")
        XCTAssertEqual(images.map(\.label), [7, 3])
        XCTAssertEqual(images[1][2, 1, 0], 255)
        XCTAssertEqual(images[0].width, 3)
    }

    func testIDXErrorsNameTheFileAndTheProblem() {
        let cases: [(Data, String)] = [
            (Data([0, 0, 8]), "too short for an IDX header"),
            (Data([0x1F, 0x8B]), "gzip stream is truncated"),
            (Data([0x50, 0x4B, 3, 4, 0, 0]), "wrong magic number 0x504b0304: not an IDX file"),
            (Data([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]), "element type 0x0d is not supported"),
            (twoDigits.encoded().dropLast(), "promises 2x2x3 = 12 bytes but the file holds 11"),
        ]
        for (data, expected) in cases {
            XCTAssertThrowsError(try IDXArray.decode(data, file: "train-images.gz")) { error in
                XCTAssertTrue("\(error)".hasPrefix("train-images.gz: "), "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
        XCTAssertThrowsError(try MNISTFiles.pair(twoDigits, IDXArray(dims: [3], bytes: [1, 2, 3]), imagesFile: "i", labelsFile: "l")) { error in
            XCTAssertEqual("\(error)", "l: 3 labels for the 2 images of i")
        }
    }

    func testCIFARRecordsUnpackPlanesIntoPixels() throws {
        var record: [UInt8] = [6]
        record += [UInt8](repeating: 10, count: 1024) + [UInt8](repeating: 20, count: 1024) + [UInt8](repeating: 30, count: 1024)
        let images = try CIFARFiles.decode(Data(record + record), variant: .cifar10, file: "test_batch.bin")
        XCTAssertEqual(images.count, 2)
        XCTAssertEqual(images[0].label, 6)
        XCTAssertEqual([images[0][5, 7, 0], images[0][5, 7, 1], images[0][5, 7, 2]], [10, 20, 30])
        let hundred = try CIFARFiles.decode(Data([3, 42] + record.dropFirst()), variant: .cifar100, file: "test.bin")
        XCTAssertEqual(hundred[0].label, 42, "the fine label")
    }

    func testCIFARErrors() {
        let record = [UInt8](repeating: 0, count: 3073)
        XCTAssertThrowsError(try CIFARFiles.decode(Data(record.dropLast()), variant: .cifar10, file: "b.bin")) { error in
            XCTAssertEqual("\(error)", "b.bin: 3072 bytes is not a whole number of 3073-byte CIFAR-10 records")
        }
        XCTAssertThrowsError(try CIFARFiles.decode(Data([12] + record.dropFirst()), variant: .cifar10, file: "b.bin")) { error in
            XCTAssertEqual("\(error)", "b.bin: record 0 has label 12; CIFAR-10 labels are 0-9")
        }
    }

    func testPGMAndPPM() throws {
        let pgm = try PNM.decode(Data("P2\n# a comment\n2 1\n4\n0 4\n".utf8), file: "a.pgm")
        XCTAssertEqual(pgm.pixels, [0, 255])
        XCTAssertEqual(pgm.channels, 1)
        let ppm = try PNM.decode(Data("P6 1 1 255\n".utf8) + Data([1, 2, 3]), file: "a.ppm")
        XCTAssertEqual(ppm.pixels, [1, 2, 3])
        let sixteen = try PNM.decode(Data("P5 1 1 65535\n".utf8) + Data([0xFF, 0xFF]), file: "b.pgm")
        XCTAssertEqual(sixteen.pixels, [255])
        XCTAssertThrowsError(try PNM.decode(Data("P6 2 2 255\n".utf8) + Data([1, 2]), file: "c.ppm")) { error in
            XCTAssertEqual("\(error)", "c.ppm: truncated: 2x2x3 needs 12 bytes, 2 left")
        }
        XCTAssertThrowsError(try PNM.decode(Data("GIF89a".utf8), file: "d.pgm")) { error in
            XCTAssertTrue("\(error)".contains("is not a PGM or PPM image"), "\(error)")
        }
    }

    func testRandomAndTruncatedFilesNeverCrash() {
        var state: UInt64 = 99
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            return z ^ (z >> 31)
        }
        let valid = [twoDigits.encoded(), gzip(twoDigits.encoded()), Data("P5 2 2 255\n".utf8) + Data([1, 2, 3, 4])]
        for file in valid {
            for length in 0..<file.count {
                _ = try? IDXArray.decode(file.prefix(length), file: "f")
                _ = try? PNM.decode(file.prefix(length), file: "f")
                _ = try? CIFARFiles.decode(file.prefix(length), variant: .cifar10, file: "f")
            }
        }
        for _ in 0..<300 {
            let count = Int(next() % 80)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
            if count > 4 && next() % 2 == 0 {
                bytes[0] = 0
                bytes[1] = 0
                bytes[2] = 8
                bytes[3] = UInt8(next() % 5)
            }
            _ = try? IDXArray.decode(Data(bytes), file: "r")
            _ = try? PNM.decode(Data(bytes), file: "r")
            _ = try? CIFARFiles.decode(Data(bytes), variant: .cifar100, file: "r")
        }
    }
}
