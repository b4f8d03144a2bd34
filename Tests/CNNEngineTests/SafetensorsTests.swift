import Foundation
import TestSupport
import XCTest

@testable import CNNEngine

final class SafetensorsTests: XCTestCase {
    /// The bytes `safetensors.torch.save_file({"a": torch.tensor([1., 2.])}, ...)` writes.
    private func handMade(header: String, body: [UInt8]) -> Data {
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: body)
        return data
    }

    func testReadsAHandMadeFile() throws {
        let data = handMade(
            header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"n":{"dtype":"I64","shape":[],"data_offsets":[8,16]}}"#,
            body: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40] + [UInt8](repeating: 0, count: 8))
        let tensors = try Safetensors.decode(data)
        XCTAssertEqual(tensors["a"]?.values, [1, 2])
        XCTAssertEqual(tensors["a"]?.shape, [2])
        XCTAssertNil(tensors["n"], "integer tensors (num_batches_tracked) are skipped")
    }

    func testRoundTrip() throws {
        let t = Tensor(shape: [2, 3], values: [1, -2, 3.5, 0, 1e-8, -7])
        let back = try Safetensors.decode(Safetensors.encode(["w": t, "b": Tensor(shape: [1], values: [9])], metadata: ["format": "pt"]))
        XCTAssertEqual(back["w"]?.values, t.values)
        XCTAssertEqual(back["w"]?.shape, [2, 3])
        XCTAssertEqual(back["b"]?.values, [9])
    }

    func testHalfPrecisionIsConverted() throws {
        // F16 1.0 = 0x3C00, BF16 -2.0 = 0xC000.
        let data = handMade(
            header: #"{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[2,4]}}"#,
            body: [0x00, 0x3C, 0x00, 0xC0])
        let tensors = try Safetensors.decode(data)
        XCTAssertEqual(tensors["h"]?.values, [1])
        XCTAssertEqual(tensors["b"]?.values, [-2])
    }

    func testCorruptFilesAreOneLineErrors() {
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "shorter than its 8-byte header length"),
            (handMade(header: "{}", body: []).prefix(9), "exceeds the file size"),
            (handMade(header: "[1]", body: []), "not a JSON object"),
            (handMade(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}"#, body: [UInt8](repeating: 0, count: 8)), "needs 16 bytes, has 8"),
            (handMade(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, body: [0, 0]), "lies outside the data"),
            (handMade(header: #"{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}"#, body: [0]), "unknown dtype Q4"),
            // The issue's crash: a 2^40 x 2^40 shape overflowed the element count and trapped.
            (
                handMade(header: #"{"a":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,0]}}"#, body: []),
                "tensor a: shape [1099511627776, 1099511627776] has more than 2,147,483,648 elements (cnn-tui's limit for one tensor"
            ),
            (
                handMade(header: #"{"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}}"#, body: []),
                "has more than 2,147,483,648 elements"
            ),
            (handMade(header: #"{"a":{"dtype":"F32","shape":[2147483649],"data_offsets":[0,0]}}"#, body: []), "has more than 2,147,483,648"),
            (handMade(header: #"{"a":{"dtype":"F32","shape":[true],"data_offsets":[0,4]}}"#, body: [0, 0, 0, 0]), "tensor a has a malformed entry"),
            (handMade(header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, body: [0, 0, 0, 0]), "tensor a has a malformed entry"),
            (handMade(header: #"{"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}"#, body: [0, 0, 0, 0]), "tensor a has a malformed entry"),
            // Two names for the same bytes: a small file standing for many large tensors.
            (
                handMade(
                    header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[4,8]}}"#,
                    body: [UInt8](repeating: 0, count: 8)),
                "tensors a and b share bytes 4..<8"
            ),
        ]
        for (data, expected) in cases {
            XCTAssertThrowsError(try Safetensors.decode(data, path: "w.safetensors"), expected) { error in
                XCTAssertTrue("\(error)".hasPrefix("w.safetensors: not a valid safetensors file: "), "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
    }

    func testRandomAndTruncatedBytesNeverCrash() {
        var rng = SeededGenerator(seed: 11)
        let valid = try! Safetensors.encode(["w": Tensor(shape: [3], values: [1, 2, 3])])
        for length in 0..<valid.count {
            _ = try? Safetensors.decode(valid.prefix(length))
        }
        for _ in 0..<200 {
            let count = Int(rng.next() % 64)
            var bytes = Data((0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            if count >= 8 { bytes.replaceSubrange(0..<8, with: [UInt8(count - 8), 0, 0, 0, 0, 0, 0, 0]) }
            _ = try? Safetensors.decode(bytes)
        }
    }
}
