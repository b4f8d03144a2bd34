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
        let out = ImageFitting.fit(Image(width: 28, height: 28, channels: 1, pixels: pixels), channels: 1, height: 32, width: 32,
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
}
