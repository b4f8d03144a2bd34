import CNNModel

extension ZooModel {
    /// Whether the PyTorch counting tools (fvcore, ptflops, thop, torch-scan) can count the
    /// model: not NASNet-A Mobile, which is Keras's (`keras.applications.NASNetMobile`). A file's
    /// network is counted as if its layers were PyTorch modules.
    public var countableByPyTorchTools: Bool { name != "nasnet_mobile" || file != nil }

    /// Whether `convention` can count the model (see `countableByPyTorchTools`).
    public func canBeCounted(by convention: CountConvention) -> Bool {
        [.torchinfo, .paper].contains(convention) || countableByPyTorchTools
    }

    /// The settings of the PyTorch modules a zoo model was measured against that change what
    /// torch-scan counts (its memory accesses of in-place ReLUs and dropouts): torchvision's
    /// ReLUs are in place, but not the one in its `SqueezeExcitation`; only its EfficientNet's
    /// dropout is. Nothing for a model read from a file.
    public var torchFlags: TorchModuleFlags {
        guard file == nil else { return TorchModuleFlags() }
        switch name {
        case "conv5x5", "conv3x3x2", "conv3x3x3", "lenet5", "filters", "inception_naive", "inception_reduced", "googlenet",
            "inception_v3", "nasnet_mobile":
            return TorchModuleFlags()
        case "efficientnet_b0":
            return TorchModuleFlags(inplaceActivations: true, inplaceDropout: true)
        case "se_resnet50":
            return TorchModuleFlags(inplaceActivations: true, notInplace: ["se.activation"])
        default:
            return TorchModuleFlags(inplaceActivations: true)
        }
    }
}
