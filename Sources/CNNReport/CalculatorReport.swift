import CNNModel

/// Text for `cnn-tui params` and `cnn-tui compare-rf`.
public enum CalculatorReport {
    public static func layer(_ r: Calculator.Result, name: String) -> [String] {
        var lines = [
            "\(name): \(r.op.summary)",
            "Input:        \(r.input)",
            "Output:       \(r.output)",
        ]
        if let pad = r.analysis.padding, !pad.isZero {
            lines.append("Padding:      \(pad.top) top, \(pad.bottom) bottom, \(pad.left) left, \(pad.right) right")
        }
        lines += [
            "Params:       \(r.rule)",
            "            = \(r.formula)",
            "Mult-adds:    \(r.op.macsFormula(input: r.input, output: r.output, cost: r.analysis.cost) ?? "0")",
        ]
        if let hand = r.op.macsWithoutBiasFormula(input: r.input, output: r.output) { lines.append("              " + hand) }
        lines += [
            "Activations:  \(r.analysis.activations.grouped) values (\(Display.megabytes(r.analysis.activations * 4)) MB in float32)"
        ]
        return lines
    }

    public static func separable(_ c: Calculator.SeparableComparison) -> [String] {
        var lines = layer(c.depthwise, name: "Depthwise") + [""] + layer(c.pointwise, name: "Pointwise") + [""]
        lines += layer(c.standard, name: "Standard convolution, for comparison") + [""]
        let ratio = Double(c.separableParams) / Double(max(c.standard.params, 1))
        lines += [
            "Depthwise-separable: \(c.separableParams.grouped) params, \(c.separableMacs.grouped) mult-adds",
            "Standard:            \(c.standard.params.grouped) params, \(c.standard.macs.grouped) mult-adds",
            "Separable uses \(percent(ratio, digits: 1)) of the parameters.",
        ]
        return lines
    }

    /// The stacked-kernel comparison as a table, with the field growing layer by layer.
    public static func compare(_ comparisons: [KernelStackComparison]) -> [String] {
        guard let first = comparisons.first else { return [] }
        var table = TextTable([
            .init("Layers"), .init("Receptive field", .right), .init("Params", .right), .init("Mult-adds", .right),
            .init("Non-linearities", .right), .init("Field growth"),
        ])
        for c in comparisons {
            for side in [c.single, c.stack] {
                table.append([
                    "\(side.count) x \(side.kernel)x\(side.kernel) conv",
                    "\(side.receptiveField)x\(side.receptiveField)", side.params.grouped, side.macs.grouped,
                    String(side.nonLinearities), side.growth.map(String.init).joined(separator: " -> "),
                ])
            }
            table.rule()
        }
        var lines = [
            "Stacked k x k convolutions against one large kernel: \(first.channels) channels in and out, "
                + "\(first.size.h)x\(first.size.w) input, stride 1, same padding, bias, one ReLU after each conv.", "",
        ]
        lines += table.render()
        for c in comparisons {
            let saved = 100 - Double(c.stack.params) * 100 / Double(c.single.params)
            let extra = c.stack.nonLinearities - c.single.nonLinearities
            lines.append(
                "\(c.stack.count) x \(c.stack.kernel)x\(c.stack.kernel) see as far as one \(c.single.kernel)x\(c.single.kernel) "
                    + "with \(formatFixed(saved, digits: 1))% fewer parameters and \(extra) more non-linearit\(extra == 1 ? "y" : "ies").")
        }
        return lines
    }
}
