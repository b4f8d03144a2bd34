import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNTUI

/// The whole calculator screen, every line, at the two sizes the layout is made for.
final class CalculatorGoldenTests: XCTestCase {
    private func calculator(_ width: Int, _ height: Int, _ keys: [Key] = []) throws -> AppState {
        var s = try AppState(model: Zoo.model(named: "lenet5")!, theme: Theme(colors: false), size: (width, height))
        s.handle(.character("3"))
        for key in keys { s.handle(key) }
        return s
    }

    func testConvolutionAt80x24() throws {
        assertScreen(try calculator(80, 24).render().lines, equals: Self.convolutionAt80x24, "convolutionAt80x24")
    }

    func testBottleneckAt120x40() throws {
        assertScreen(try calculator(120, 40, [.right, .right, .right]).render().lines, equals: Self.bottleneckAt120x40, "bottleneckAt120x40")
    }
}

extension CalculatorGoldenTests {
    static let convolutionAt80x24: [String] = [
        " cnn-tui   1 Graph   2 RF   3 Calc   4 Maps                   LeNet-5 · 1x32x32 ",
        "┌ Parameter calculator ─────────────┐┌ Convolution ────────────────────────────┐",
        "│Calculate        ◂ Convolution ▸   ││Convolution                              │",
        "│                                   ││Conv2d  3x32x32 -> 4x28x28               │",
        "│Input channels C 3                 ││  params    5*5*3*4 + 4 = 304            │",
        "│Input height H   32                ││  Mult-adds 238,336                      │",
        "│Input width W    32                ││                                         │",
        "│Kernel k         5                 ││                                         │",
        "│Filters          4                 ││                                         │",
        "│Stride           1                 ││                                         │",
        "│Padding          0                 ││                                         │",
        "│Dilation         1                 ││                                         │",
        "│Groups           1                 ││                                         │",
        "│Bias             yes               ││                                         │",
        "│                                   ││                                         │",
        "│params =                           ││                                         │",
        "│  kH*kW*(Cin/groups)*Cout + Cout   ││                                         │",
        "│                                   ││                                         │",
        "│output =                           ││                                         │",
        "│  floor((H+2p-d(k-1)-1)/s) + 1     ││                                         │",
        "│                                   ││                                         │",
        "└───────────────────────────────────┘└─────────────────────────────────────────┘",
        " Params 61,706 · Mult-adds 423K (torchinfo) │ Memory 0.30 MB │ Depth 5          ",
        " ↑↓ field  ←→ change  0-9 type  m models  Tab screen  ? help  q quit            ",
    ]

    static let bottleneckAt120x40: [String] = [
        " cnn-tui   1 Graph   2 Receptive field   3 Calculator   4 Feature maps                                LeNet-5 · 1x32x32 ",
        "┌ Parameter calculator ──────────────────────┐┌ 1x1 bottleneck vs plain 3x3s ──────────────────────────────────────────┐",
        "│Calculate        ◂ 1x1 bottleneck ▸         ││Bottleneck 1x1-3x3-1x1                                                  │",
        "│                                            ││1x1 256->64  256x56x56 -> 64x56x56                                      │",
        "│Input channels C 256                        ││  params    1*1*256*64 + 64 = 16,448                                    │",
        "│Bottleneck width 64                         ││  Mult-adds 51,580,928                                                  │",
        "│Input height H   56                         ││3x3 64->64  64x56x56 -> 64x56x56                                        │",
        "│Input width W    56                         ││  params    3*3*64*64 + 64 = 36,928                                     │",
        "│                                            ││  Mult-adds 115,806,208                                                 │",
        "│ResNet's bottleneck: reduce channels with a ││1x1 64->256  64x56x56 -> 256x56x56                                      │",
        "│1x1, convolve 3x3 at the narrow width,      ││  params    1*1*64*256 + 256 = 16,640                                   │",
        "│expand back.                                ││  Mult-adds 52,183,040                                                  │",
        "│                                            ││  total     70,016 params, 220M Mult-adds                               │",
        "│                                            ││                                                                        │",
        "│                                            ││Two plain 3x3                                                           │",
        "│                                            ││3x3 256->256  256x56x56 -> 256x56x56                                    │",
        "│                                            ││  params    3*3*256*256 + 256 = 590,080                                 │",
        "│                                            ││  Mult-adds 1,850,490,880                                               │",
        "│                                            ││3x3 256->256  256x56x56 -> 256x56x56                                    │",
        "│                                            ││  params    3*3*256*256 + 256 = 590,080                                 │",
        "│                                            ││  Mult-adds 1,850,490,880                                               │",
        "│                                            ││  total     1,180,160 params, 3.70G Mult-adds                           │",
        "│                                            ││                                                                        │",
        "│                                            ││Comparison                                                              │",
        "│                                            ││Bottleneck 1x1-3x3-1x1: 5.9% of the parameters of two plain 3x3         │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "│                                            ││                                                                        │",
        "└────────────────────────────────────────────┘└────────────────────────────────────────────────────────────────────────┘",
        " Params 61,706 · Mult-adds 423K (torchinfo) │ Memory 0.30 MB │ Depth 5                                                  ",
        " ↑↓ field  ←→ change  0-9 type  m models  Tab screen  ? help  q quit                                                    ",
    ]
}
