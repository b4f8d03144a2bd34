import CZlibSystem
import Foundation
import TestSupport
import XCTest

@testable import CNNData

/// PNG files of every color type, written by PIL (Scripts/make-png-fixtures.py).
final class PNGTests: XCTestCase {
    static let directory = Repository.fixture("png")

    struct Expected: Decodable {
        struct File: Decodable {
            let channels: Int
            let pixels: [UInt8]
        }
        let width: Int
        let height: Int
        let files: [String: File]
    }

    func testEveryColorTypeDecodesToThePixelsPILWrote() throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.directory.appendingPathComponent("expected.json")))
        XCTAssertEqual(expected.files.count, 5)
        for (name, file) in expected.files {
            let image = try PNG.read(path: Self.directory.appendingPathComponent(name).path)
            XCTAssertEqual(image.width, expected.width, name)
            XCTAssertEqual(image.height, expected.height, name)
            XCTAssertEqual(image.channels, file.channels, name)
            XCTAssertEqual(image.pixels, file.pixels, name)
        }
    }

    func testTheShippedImageNetPhotosDecode() throws {
        let image = try PNG.read(path: AssetTests.assets.appendingPathComponent("imagenet/00_243.png").path)
        XCTAssertEqual([image.width, image.height, image.channels], [224, 224, 3])
    }

    func testCorruptAndTruncatedPNGsAreErrors() throws {
        let valid = try Data(contentsOf: Self.directory.appendingPathComponent("rgb8.png"))
        XCTAssertThrowsError(try PNG.decode(Data("GIF89a".utf8), file: "x.png")) { error in
            XCTAssertEqual("\(error)", "x.png: not a PNG file (wrong signature)")
        }
        // libpng's terse messages come with a sentence first.
        XCTAssertThrowsError(try PNG.decode(valid.prefix(valid.count / 2), file: "half.png")) { error in
            XCTAssertTrue("\(error)".hasPrefix("half.png: corrupt PNG, the file ends before its image does: truncated? (libpng: "), "\(error)")
        }
        for length in stride(from: 8, to: valid.count, by: 3) {
            _ = try? PNG.decode(valid.prefix(length), file: "t")
        }
        var flipped = valid
        flipped[20] ^= 0xFF  // in IHDR: its checksum no longer matches
        XCTAssertThrowsError(try PNG.decode(flipped, file: "f.png")) { error in
            XCTAssertTrue("\(error)".hasPrefix("f.png: corrupt PNG, a chunk's checksum is wrong: the file is damaged (libpng: "), "\(error)")
        }
        flipped = valid
        flipped[40] ^= 0xFF
        _ = try? PNG.decode(flipped, file: "f")
    }
}
