import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNTUI

/// The whole feature-map screen, every line, over a real forward pass of LeNet-5 (trained weights)
/// on the first MNIST test digit, at the two sizes the layout is made for.
final class FeatureMapsGoldenTests: XCTestCase {
    private func maps(_ width: Int, _ height: Int, _ keys: [Key] = []) throws -> AppState {
        var s = try AppState(
            model: Zoo.model(named: "lenet5")!, theme: Theme(colors: false), size: (width, height),
            samples: FeatureMapsScreenTests.catalog)
        s.handle(.character("4"))
        for key in keys { s.handle(key) }
        s.featureMaps.session?.waitUntilIdle()
        return s
    }

    /// The pass's time differs from run to run: written `in ? ms`, the line as wide as before.
    /// (In the Engine panel, `in 4.5 ms`; in the Prediction frame's title at 80x24, `· 4.5 ms`.)
    static func maskingTime(_ line: String) -> String {
        guard let range = line.range(of: "[0-9]+[.][0-9] ms", options: .regularExpression) else { return line }
        return line.replacingCharacters(in: range, with: "? ms".padding(toLength: line[range].count, withPad: " ", startingAt: 0))
    }

    func testC1At80x24() throws {
        assertScreen(try maps(80, 24).render().lines.map(Self.maskingTime), equals: Self.c1At80x24, "c1At80x24")
    }

    func testS2At120x40() throws {
        assertScreen(try maps(120, 40, [.character("n"), .character("n")]).render().lines.map(Self.maskingTime), equals: Self.s2At120x40, "s2At120x40")
    }
}

extension FeatureMapsGoldenTests {
    static let c1At80x24: [String] = [
        " cnn-tui   1 Graph   2 RF   3 Calc   4 Maps                   LeNet-5 · 1x32x32 ",
        "┌ Input ─────────────────────┐┌ c1 · conv 5x5 · 6x28x28 · layer 1/12 ──────────┐",
        "│                            ││#0 -5.99..6.32  #1 -3.49..8.83  #2 -4.69..8.02  │",
        "│                ░░          ││▒▒▒▒▒▒▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▓▓▒▒▒▒  │",
        "│              ██▓▓          ││▒▒▒▒▓▓▒▒░░▒▒▒▒  ▒▒▒▒▒▒▒▒▓▓▒▒▒▒  ▒▒▒▒▒▒▓▓▒▒▒▒▒▒  │",
        "│            ██░░            ││▒▒▒▒▒▒░░▒▒▒▒▒▒  ▒▒▒▒▒▒▓▓▒▒▒▒▒▒  ▒▒▒▒▓▓▒▒▒▒▒▒▒▒  │",
        "│          ▒▒░░              ││▒▒▓▓▒▒▒▒▒▒░░▒▒  ▒▒▒▒▓▓▒▒▓▓▓▓▒▒  ▒▒▒▒▓▓▓▓▓▓▓▓▒▒  │",
        "│          ▓▓░░▓▓██▓▓        ││▒▒▓▓▒▒▒▒▒▒░░▒▒  ▒▒▒▒▓▓▓▓▓▓▓▓▒▒  ▒▒▒▒▒▒▓▓▒▒▒▒▒▒  │",
        "│          ▒▒██████░░        ││▒▒▒▒▓▓▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▓▓▓▓▒▒▒▒  ▒▒▒▒░░▒▒▒▒▒▒▒▒  │",
        "│            ▓▓▓▓            ││▒▒▒▒▒▒▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  │",
        "│                            ││#3 -8.75..3.89  #4 -5.19..8.50  #5 -3.21..4.93  │",
        "│                            ││▒▒▒▒▒▒▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  │",
        "│mnist:0  (1 of 1,000)       ││▒▒▒▒▒▒░░▒▒▒▒▒▒  ▒▒▒▒▓▓▓▓▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  │",
        "│true class: 6               ││▒▒▒▒░░▒▒▒▒▒▒▒▒  ▒▒▒▒▓▓░░▒▒▒▒▒▒  ▒▒▒▒▒▒▓▓▒▒▒▒▒▒  │",
        "│fed: 1x32x32, centred       ││▒▒▒▒▒▒▒▒░░▒▒▒▒  ▒▒▓▓▒▒▓▓▓▓▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  │",
        "└────────────────────────────┘│▒▒▒▒░░░░░░▒▒▒▒  ▒▒▒▒▓▓▓▓▒▒░░▒▒  ▒▒▒▒▒▒▓▓▓▓▓▓▒▒  │",
        "┌ Prediction · ? ms   ───────┐│▒▒▒▒▒▒▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  │",
        "│predicted 6 (100.0%), right ││▒▒▒▒▒▒▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒  │",
        "│6   █████████████████ 100.0%││                                                │",
        "│5   █░░░░░░░░░░░░░░░░  0.02%││                                                │",
        "│0   █░░░░░░░░░░░░░░░░  0.01%││scale: layer, linear · 6 channels · page 1/1    │",
        "└────────────────────────────┘└────────────────────────────────────────────────┘",
        " Params 61,706 · Mult-adds 423K (torchinfo) │ Memory 0.30 MB │ Depth 5          ",
        " n/p layer  ←→ channel  ⏎ zoom  w kernels  [ ] sample  i input  ? help  q quit  ",
    ]

    static let s2At120x40: [String] = [
        " cnn-tui   1 Graph   2 Receptive field   3 Calculator   4 Feature maps                                LeNet-5 · 1x32x32 ",
        "┌ Input ───────────────────────────┐┌ s2 · avgpool 2 · 6x14x14 · layer 3/12 ───────────────────────────────────────────┐",
        "│                                  ││#0 -1.00..1.00  #1 -0.97..1.00  #2 -0.99..1.00  #3 -1.00..0.95  #4 -1.00..1.00    │",
        "│                                  ││▒▒▒▒▒▒▓▓▒▒░░▒▒          ▒▒▒▒    ░░░░░░▒▒██▓▓░░  ▓▓▓▓▓▓▓▓▒▒▒▒▓▓  ░░░░░░▒▒▓▓  ░░    │",
        "│                   ░░▒▒           ││▒▒▒▒██▒▒  ░░▒▒        ▓▓██▒▒    ░░░░▓▓██░░░░░░  ▓▓▓▓▓▓  ▒▒▓▓▓▓  ░░░░▓▓██░░░░░░    │",
        "│                 ▓▓████           ││▒▒▓▓▓▓  ▒▒▒▒▒▒      ░░██░░░░    ░░░░██░░░░░░░░  ▓▓▓▓  ██▓▓▓▓▓▓  ░░▒▒▓▓  ░░░░░░    │",
        "│             ░░████▒▒             ││▒▒▓▓░░▓▓▒▒  ▒▒      ▓▓▒▒▓▓██░░  ░░░░████████░░  ▓▓░░▒▒▒▒  ░░▓▓  ░░▓▓▒▒████  ░░    │",
        "│             ████                 ││▒▒▓▓▓▓░░    ▒▒      ▓▓██████    ░░  ▓▓██▓▓░░░░  ▓▓░░      ▓▓▓▓  ░░▓▓████▓▓  ░░    │",
        "│           ▒▒██                   ││▒▒▓▓██░░  ▒▒▒▒      ▒▒██▓▓░░    ░░░░  ░░  ░░░░  ▓▓▓▓░░▒▒██▓▓▓▓  ░░░░██░░  ░░░░    │",
        "│           ██▒▒      ░░           ││▒▒▒▒▒▒▒▒▒▒▒▒▒▒        ░░░░      ░░░░░░░░░░░░░░  ▓▓▓▓▓▓▓▓▓▓▓▓▓▓  ░░░░░░░░░░░░░░    │",
        "│           ██    ▒▒██████         ││#5 -0.92..1.00                                                                    │",
        "│           ██▓▓████▓▓████         ││░░░░░░░░▒▒▒▒░░                                                                    │",
        "│           ▓▓██████████           ││░░░░░░▓▓██▓▓░░                                                                    │",
        "│             ██████▒▒             ││░░░░░░██▒▒░░░░                                                                    │",
        "│               ▒▒░░               ││░░░░▒▒▓▓▓▓██░░                                                                    │",
        "│                                  ││░░░░▒▒██████░░                                                                    │",
        "│                                  ││░░▒▒░░████▒▒░░                                                                    │",
        "│                                  ││░░░░░░░░░░░░░░                                                                    │",
        "│mnist:0  (1 of 1,000)             ││                                                                                  │",
        "│true class: 6                     ││                                                                                  │",
        "│fed: 1x32x32, centred             ││                                                                                  │",
        "└──────────────────────────────────┘│                                                                                  │",
        "┌ Prediction ──────────────────────┐│                                                                                  │",
        "│predicted 6 (100.0%), right       ││                                                                                  │",
        "│6   ███████████████████████ 100.0%││                                                                                  │",
        "│5   █░░░░░░░░░░░░░░░░░░░░░░  0.02%││                                                                                  │",
        "│0   █░░░░░░░░░░░░░░░░░░░░░░  0.01%││                                                                                  │",
        "│8   █░░░░░░░░░░░░░░░░░░░░░░ <0.01%││                                                                                  │",
        "│2   █░░░░░░░░░░░░░░░░░░░░░░ <0.01%││                                                                                  │",
        "└──────────────────────────────────┘│                                                                                  │",
        "┌ Engine ──────────────────────────┐│                                                                                  │",
        "│forward pass: 12 layers           ││                                                                                  │",
        "│in ? ms                           ││                                                                                  │",
        "│trained weights                   ││                                                                                  │",
        "│(lenet5-mnist.safetensors)        ││                                                                                  │",
        "│                                  ││                                                                                  │",
        "│                                  ││scale: layer, linear · 6 channels · page 1/1 · Enter zooms #0                     │",
        "└──────────────────────────────────┘└──────────────────────────────────────────────────────────────────────────────────┘",
        " Params 61,706 · Mult-adds 423K (torchinfo) │ Memory 0.30 MB │ Depth 5                                                  ",
        " n/p layer  ←→ channel  ⏎ zoom  w kernels  [ ] sample  i input  e explain  m models  Tab screen  ? help  q quit         ",
    ]
}
