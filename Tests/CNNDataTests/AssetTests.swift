import Foundation
import TestSupport
import XCTest

@testable import CNNData

/// The bundled samples (Scripts/make-assets.py) read back with the readers.
final class AssetTests: XCTestCase {
    static let assets = Repository.assets

    private func path(_ relative: String) -> String { Self.assets.appendingPathComponent(relative).path }

    func testMNISTHas4000TrainingAnd1000TestDigitsBalancedByClass() throws {
        let train = try MNISTFiles.load(images: path("mnist/train-images-idx3-ubyte.gz"), labels: path("mnist/train-labels-idx1-ubyte.gz"))
        let test = try MNISTFiles.load(images: path("mnist/t10k-images-idx3-ubyte.gz"), labels: path("mnist/t10k-labels-idx1-ubyte.gz"))
        XCTAssertEqual(train.count, 4000)
        XCTAssertEqual(test.count, 1000)
        XCTAssertTrue(train.allSatisfy { $0.width == 28 && $0.height == 28 && $0.channels == 1 })
        for digit in 0...9 {
            XCTAssertEqual(train.filter { $0.label == digit }.count, 400)
            XCTAssertEqual(test.filter { $0.label == digit }.count, 100)
        }
        // Real handwriting: mostly background with bright strokes.
        let ink = test[0].pixels.filter { $0 > 128 }.count
        XCTAssertTrue((40...400).contains(ink), "\(ink) bright pixels")
    }

    func testCIFARSamplesCarryFoolboxsLabels() throws {
        let ten = try CIFARFiles.read(path: path("cifar10/test_batch.bin"), variant: .cifar10)
        XCTAssertEqual(ten.map(\.label), [3, 8, 8, 0, 6, 6, 1, 6, 3, 1, 0, 9, 5, 7, 9, 8, 5, 7, 8, 6])
        let hundred = try CIFARFiles.read(path: path("cifar100/test.bin"), variant: .cifar100)
        XCTAssertEqual(hundred.map(\.label), [49, 33, 72, 51, 71, 92, 15, 14, 23, 0, 71, 75, 81, 69, 40, 43, 92, 97, 70, 53])
        let names = try String(contentsOfFile: path("cifar10/batches.meta.txt"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(names[3], "cat")
        let fine = try String(contentsOfFile: path("cifar100/fine_label_names.txt"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(fine.count, 100)
        XCTAssertEqual(fine[49], "mountain")
    }

    func testImageNetPhotosAre224PixelPNGs() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: path("imagenet")).filter { $0.hasSuffix(".png") }.sorted()
        XCTAssertEqual(files.count, 20)
        XCTAssertEqual(files.first, "00_243.png", "index and class in the name")
        let png = try XCTUnwrap(FileManager.default.contents(atPath: path("imagenet/\(files[0])")))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: width and height, big-endian, at bytes 16-23.
        XCTAssertEqual(Array(png[16..<24]), [0, 0, 0, 224, 0, 0, 0, 224])
    }
}
