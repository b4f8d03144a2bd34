import XCTest

@testable import CNNData

final class ImageFittingTests: XCTestCase {
    func testBilinearResizeSamplesPixelCentres() {
        // 1x2 gray [0, 255] stretched to 1x4: centres at -0.25, 0.25, 0.75, 1.25 of the source.
        let image = Image(width: 2, height: 1, channels: 1, pixels: [0, 255])
        let out = ImageFitting.fit(image, channels: 1, height: 1, width: 4, mean: [0], std: [1])
        XCTAssertEqual(out, [0, 0.25, 0.75, 1])
    }

    func testSameSizeIsJustScaledAndNormalized() {
        let image = Image(width: 2, height: 1, channels: 1, pixels: [51, 255])
        let out = ImageFitting.fit(image, channels: 1, height: 1, width: 2, mean: [0.1307], std: [0.3081])
        XCTAssertEqual(out[0], (0.2 - 0.1307) / 0.3081, accuracy: 1e-6)
        XCTAssertEqual(out[1], (1 - 0.1307) / 0.3081, accuracy: 1e-6)
    }

    func testGrayBecomesRGBAndRGBBecomesGray() {
        let gray = Image(width: 1, height: 1, channels: 1, pixels: [255])
        XCTAssertEqual(ImageFitting.fit(gray, channels: 3, height: 1, width: 1, mean: [0.5, 0, 0], std: [1, 1, 2]), [0.5, 1, 0.5])
        let red = Image(width: 1, height: 1, channels: 3, pixels: [255, 0, 0])
        XCTAssertEqual(ImageFitting.fit(red, channels: 1, height: 1, width: 1, mean: [0], std: [1])[0], 0.299, accuracy: 1e-6)
    }

    func testChannelsArePlanes() {
        // 1x2 RGB: pixel 0 red, pixel 1 blue -> planes R [1, 0], G [0, 0], B [0, 1].
        let image = Image(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 0, 0, 255])
        XCTAssertEqual(ImageFitting.fit(image, channels: 3, height: 1, width: 2, mean: [0], std: [1]), [1, 0, 0, 0, 0, 1])
    }

    func testMNISTDigitsAreCentredInLeNetsField() {
        // The paper's 28x28 digits in a 32x32 field: two black rows and columns on each side.
        XCTAssertEqual(ImageFitting.placement(width: 28, height: 28, inputWidth: 32, inputHeight: 32), .centered(top: 2, left: 2))
        var pixels = [UInt8](repeating: 0, count: 28 * 28)
        pixels[0] = 255  // top-left pixel of the digit
        pixels[28 * 28 - 1] = 128
        let out = ImageFitting.fit(
            Image(width: 28, height: 28, channels: 1, pixels: pixels), channels: 1, height: 32, width: 32,
            mean: [0], std: [1])
        XCTAssertEqual(out[2 * 32 + 2], 1)
        XCTAssertEqual(out[29 * 32 + 29], 128 / 255, accuracy: 1e-6)
        XCTAssertEqual(out.filter { $0 != 0 }.count, 2, "nothing is interpolated")
    }

    func testSmallImagesForLargeInputsAreResized() {
        XCTAssertEqual(ImageFitting.placement(width: 32, height: 32, inputWidth: 224, inputHeight: 224), .resized)
        XCTAssertEqual(ImageFitting.placement(width: 224, height: 224, inputWidth: 32, inputHeight: 32), .resized)
        XCTAssertEqual(ImageFitting.placement(width: 20, height: 28, inputWidth: 32, inputHeight: 32), .resized)
    }

    func testSourcePixelUndoesTheCentring() {
        // LeNet's 32x32 field: input (2, 2) is the digit's top-left pixel, the border is no pixel at all.
        let at = { (x: Double, y: Double) in ImageFitting.sourcePixel(x: x, y: y, width: 28, height: 28, inputWidth: 32, inputHeight: 32) }
        XCTAssertEqual(at(2, 2).map { [$0.x, $0.y] }, [0, 0])
        XCTAssertEqual(at(29, 16).map { [$0.x, $0.y] }, [27, 14])
        XCTAssertEqual(at(2.4, 1.6).map { [$0.x, $0.y] }, [0, 0], "fractions round to the nearest pixel")
        XCTAssertNil(at(1, 10))
        XCTAssertNil(at(10, 30))
    }

    func testSourcePixelUndoesTheResize() {
        // 500x375 into 224x224: the corners map to the corners, the centre to the centre.
        let at = { (x: Double, y: Double) in ImageFitting.sourcePixel(x: x, y: y, width: 500, height: 375, inputWidth: 224, inputHeight: 224)! }
        XCTAssertEqual([at(0, 0).x, at(0, 0).y], [1, 0])  // (0.5 * 500/224 - 0.5) = 0.62 → 1; 0.34 → 0
        XCTAssertEqual([at(223, 223).x, at(223, 223).y], [498, 374])
        XCTAssertEqual([at(111.5, 111.5).x, at(111.5, 111.5).y], [250, 187])
        // Stretching 2 pixels to 4: input 0 and 1 come from pixel 0, 2 and 3 from pixel 1.
        let stretched = (0..<4).map { ImageFitting.sourcePixel(x: Double($0), y: 0, width: 2, height: 1, inputWidth: 4, inputHeight: 1)!.x }
        XCTAssertEqual(stretched, [0, 0, 1, 1])
    }

    func testSourcePixelPointsAtWhatFitPlaced() {
        // Every input pixel of a centred image is the source pixel sourcePixel names, or black.
        let pixels = (0..<(28 * 28)).map { UInt8($0 % 251) }
        let image = Image(width: 28, height: 28, channels: 1, pixels: pixels)
        let out = ImageFitting.fit(image, channels: 1, height: 32, width: 32, mean: [0], std: [1])
        for y in 0..<32 {
            for x in 0..<32 {
                let expected =
                    ImageFitting.sourcePixel(x: Double(x), y: Double(y), width: 28, height: 28, inputWidth: 32, inputHeight: 32)
                    .map { Float(image[$0.x, $0.y, 0]) / 255 } ?? 0
                XCTAssertEqual(out[y * 32 + x], expected, accuracy: 1e-6, "(\(x), \(y))")
            }
        }
    }
}
