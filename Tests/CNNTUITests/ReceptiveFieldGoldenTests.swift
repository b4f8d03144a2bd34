import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNTUI

/// The whole receptive-field screen, every line, at the two sizes the layout is made for.
final class ReceptiveFieldGoldenTests: XCTestCase {
    private func fields(_ width: Int, _ height: Int, _ keys: [Key]) throws -> AppState {
        var s = try AppState(model: Zoo.model(named: "lenet5")!, theme: Theme(colors: false), size: (width, height))
        s.handle(.character("2"))
        for key in keys { s.handle(key) }
        return s
    }

    /// Four 3x3 convs see 9x9: at 80x24 the comparison takes the right column and draws the
    /// 9 pixels in 7 cells.
    func testComparingFourThreeByThreesAt80x24() throws {
        assertScreen(
            try fields(80, 24, [.character("c"), .right, .right]).render().lines, equals: Self.comparingFourThreeByThreesAt80x24,
            "comparingFourThreeByThreesAt80x24")
    }

    func testC3At120x40() throws {
        assertScreen(try fields(120, 40, [.down, .down, .down]).render().lines, equals: Self.c3At120x40, "c3At120x40")
    }
}

extension ReceptiveFieldGoldenTests {
    static let comparingFourThreeByThreesAt80x24: [String] = [
        " cnn-tui   1 Graph   2 RF   3 Calc   4 Maps                   LeNet-5 · 1x32x32 ",
        "┌ Receptive fields: LeNet-5 ───────────────┐┌ Stacked vs one large kernel ─────┐",
        "│Layer               Output        RF  Jump││              Stack      One conv │",
        "│c1                  6x28x28        5     1││Convs n     ◂ 4 ▸        1        │",
        "│act1                6x28x28        5     1││Kernel k      3x3        9x9      │",
        "│s2                  6x14x14        6     2││Channels C    64         64       │",
        "│c3                  16x10x10      14     2││Input size    56x56      56x56    │",
        "│act3                16x10x10      14     2││RF            9x9        9x9      │",
        "│s4                  16x5x5        16     4││Params        147,712    331,840  │",
        "│c5                  120x1x1       32     4││Mult-adds     463M       1.04G    │",
        "│act5                120x1x1       32     4││ReLU          4          1        │",
        "│flatten             120           32     4││Same 9x9 field: 55.5% fewer       │",
        "│f6                  84        global     4││params, 3 more non-linearities.   │",
        "│act6                84        global     4││                                  │",
        "│output              10        global     4││░░░░░░░░░░░░░░  ██ conv 1: 3x3    │",
        "│                                          ││░░▒▒▒▒▒▒▒▒▒▒░░  ▓▓ conv 2: 5x5    │",
        "│                                          ││░░▒▒▓▓▓▓▓▓▒▒░░  ▒▒ conv 3: 7x7    │",
        "│                                          ││░░▒▒▓▓██▓▓▒▒░░  ░░ conv 4: 9x9    │",
        "│                                          ││░░▒▒▓▓▓▓▓▓▒▒░░  1 cell = 1.3 px   │",
        "│                                          ││░░▒▒▒▒▒▒▒▒▒▒░░                    │",
        "│                                          ││░░░░░░░░░░░░░░                    │",
        "└──────────────────────────────────────────┘└──────────────────────────────────┘",
        " Params 61,706 · Mult-adds 423K (torchinfo) │ Memory 0.30 MB │ Depth 5          ",
        " ↑↓ setting  ←→ change  c back to table  m models  Tab screen  ? help  q quit   ",
    ]

    static let c3At120x40: [String] = [
        " cnn-tui   1 Graph   2 Receptive field   3 Calculator   4 Feature maps                                LeNet-5 · 1x32x32 ",
        "┌ Receptive fields: LeNet-5 ───────────────────────────────┐┌ Field on the input ──────────────────────────────────────┐",
        "│Layer                               Output        RF  Jump││                ░░░░░░░░░░░░░░░░░░░░░░░░░░                │",
        "│c1                                  6x28x28        5     1││                ░░░░░░░░░░░░░░░░░░░░░░░░░░                │",
        "│act1                                6x28x28        5     1││                ░░░░░░░░░░░░░░░░░░░░░░░░░░                │",
        "│s2                                  6x14x14        6     2││                ░░░░░░████████████░░░░░░░░                │",
        "│c3                                  16x10x10      14     2││                ░░░░░░████████████░░░░░░░░                │",
        "│act3                                16x10x10      14     2││                ░░░░░░████████████░░░░░░░░                │",
        "│s4                                  16x5x5        16     4││                ░░░░░░██████● ████░░░░░░░░                │",
        "│c5                                  120x1x1       32     4││                ░░░░░░████████████░░░░░░░░                │",
        "│act5                                120x1x1       32     4││                ░░░░░░████████████░░░░░░░░                │",
        "│flatten                             120           32     4││                ░░░░░░░░░░░░░░░░░░░░░░░░░░                │",
        "│f6                                  84        global     4││                ░░░░░░░░░░░░░░░░░░░░░░░░░░                │",
        "│act6                                84        global     4││                ░░░░░░░░░░░░░░░░░░░░░░░░░░                │",
        "│output                              10        global     4││                ░░░░░░░░░░░░░░░░░░░░░░░░░░                │",
        "│                                                          ││c3: unit (4,4) of 10x10                                   │",
        "│                                                          ││sees 14x14 of the 32x32 input                             │",
        "│                                                          ││jump 2 px between units; 1 cell = 2.5 px                  │",
        "│                                                          │└──────────────────────────────────────────────────────────┘",
        "│                                                          │┌ Stacked vs one large kernel ─────────────────────────────┐",
        "│                                                          ││              Stack         One conv                      │",
        "│                                                          ││Convs n       2             1                             │",
        "│                                                          ││Kernel k      3x3           5x5                           │",
        "│                                                          ││Channels C    64            64                            │",
        "│                                                          ││Input size    56x56         56x56                         │",
        "│                                                          ││RF            5x5           5x5                           │",
        "│                                                          ││Params        73,856        102,464                       │",
        "│                                                          ││Mult-adds     232M          321M                          │",
        "│                                                          ││ReLU          2             1                             │",
        "│                                                          ││Same 5x5 field: 27.9% fewer params, 1 more non-linearity. │",
        "│                                                          ││                                                          │",
        "│                                                          ││▓▓▓▓▓▓▓▓▓▓  ██ conv 1: 3x3                                │",
        "│                                                          ││▓▓██████▓▓  ▓▓ conv 2: 5x5                                │",
        "│                                                          ││▓▓██████▓▓  1 cell = 1 px                                 │",
        "│                                                          ││▓▓██████▓▓                                                │",
        "│                                                          ││▓▓▓▓▓▓▓▓▓▓                                                │",
        "│                                                          ││                                                          │",
        "└──────────────────────────────────────────────────────────┘└──────────────────────────────────────────────────────────┘",
        " Params 61,706 · Mult-adds 423K (torchinfo) │ Memory 0.30 MB │ Depth 5                                                  ",
        " ↑↓ layer  c compare kernels  m models  Tab screen  ? help  q quit                                                      ",
    ]
}
