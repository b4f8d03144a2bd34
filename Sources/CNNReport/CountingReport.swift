import CNNModel
import CNNZoo

/// Counts under every convention side by side (`--count all`), and how one convention's total
/// becomes another's (`--reconcile`).
public enum CountingReport {
    /// One row per model: each tool's total, the papers' rule, and the published figure.
    public static func allConventions(_ models: [(model: ZooModel, analysis: ModelAnalysis)]) -> [String] {
        let conventions: [(CountConvention, CountQuantity, String)] = [
            (.torchinfo, .macs, "torchinfo"), (.fvcore, .macs, "fvcore"), (.ptflops, .macs, "ptflops"), (.thop, .macs, "thop"),
            (.torchscan, .flops, "torch-scan FLOPs"), (.torchscan, .macs, "torch-scan MACs"), (.torchscan, .dmas, "torch-scan DMAs"),
            (.paper, .macs, "paper rule"),
        ]
        var table = TextTable([.init("Model")] + conventions.map { .init($0.2, .right) } + [.init("Published", .right)])
        var partial = false
        for (model, analysis) in models {
            var cells = [model.name]
            for (convention, quantity, _) in conventions {
                guard model.canBeCounted(by: convention) else {
                    cells.append("n/a")
                    continue
                }
                let count = analysis.count(convention, flags: model.torchFlags)
                partial = partial || (count.isPartial && convention == .torchscan)
                cells.append((count.total(quantity)?.grouped ?? "?") + (count.isPartial ? "*" : ""))
            }
            cells.append(model.published?.cost.map { $0.text } ?? "--")
            table.append(cells)
        }
        var lines = table.render()
        lines += [
            "torchinfo: mult-adds, a convolution's weights and bias at every output, other modules' parameters once.",
            "fvcore: FlopCountAnalysis().total(), one flop = one multiply-add; conv and dense without bias, batchnorm 2 per",
            "  element, adaptive average pooling 1 per input; ReLU, pooling and adds 0.",
            "ptflops: MACs with the convolutions' and dense biases; ReLU and pooling modules count twice (their hook and the",
            "  F.relu / F.max_pool2d they call), batchnorm 2 per element.",
            "thop: MACs without bias; batchnorm 4 per element, average pooling 1 per output; ReLU and max pooling 0.",
            "torch-scan: FLOPs (about 2 per multiply-add), MACs, DMAs (elements read and written) of leaf modules only.",
            "paper rule: multiply-adds of convolution and dense weights only, what the papers' \"FLOPs\" and \"MAdds\" count.",
        ]
        if partial { lines.append("* torch-scan's total is partial: it has no formula for some of the model's modules.") }
        if models.contains(where: { $0.model.file != nil }) {
            lines.append("A file's network is counted as if each of its layers were a PyTorch module, a call of the module it names.")
        }
        if models.contains(where: { !$0.model.countableByPyTorchTools }) {
            lines.append("n/a: a Keras model (NASNet-A Mobile), which the PyTorch counters cannot run.")
        }
        return lines
    }

    /// From one convention's total to another's, kind of layer by kind of layer.
    public static func reconciliation(_ r: Reconciliation) -> [String] {
        var table = TextTable([.init("What accounts for it"), .init("Layers", .right), .init("Mult-adds", .right)])
        table.append(["\(r.from.title) total", "", r.fromTotal.grouped])
        for step in r.steps {
            table.append([step.what, String(step.layers), Self.signed(step.change)])
        }
        table.append(["\(r.to.title) total", "", r.toTotal.grouped])
        var lines = ["From \(r.from.title) (\(r.from.call)) to \(r.to.title) (\(r.to.call)):"] + table.render()
        if r.steps.isEmpty { lines.append("The two conventions count this model alike.") }
        return lines
    }

    /// A tool's count down to the paper's printed figure.
    public static func paper(_ p: PaperReconciliation) -> [String] {
        var lines = reconciliation(p.rule)
        var table = TextTable([.init("Then, to the paper's figure"), .init("Mult-adds", .right)])
        table.append(["the papers' rule on this (torchvision's) architecture", p.rule.toTotal.grouped])
        for difference in p.architecture {
            table.append([difference.what, Self.signed(difference.change)])
        }
        if !p.architecture.isEmpty { table.append(["the papers' rule on the paper's architecture", p.paperArchitectureCount.grouped]) }
        let rounding = Int(p.rounding.rounded())
        table.append(["the printed figure's rounding", Self.signed(rounding)])
        table.append(["published: \(p.published.text)", Int(p.published.value).grouped])
        lines += [""] + table.render()
        lines.append("Source: \(p.published.source); it counts \(p.note).")
        return lines
    }

    static func signed(_ value: Int) -> String {
        value > 0 ? "+" + value.grouped : value < 0 ? "-" + (-value).grouped : "0"
    }
}
