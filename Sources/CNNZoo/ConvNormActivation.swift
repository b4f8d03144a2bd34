import CNNModel

/// torchvision's `Conv2dNormActivation` (MobileNetV2, EfficientNet): a bias-free convolution with
/// padding `(k-1)/2`, BatchNorm2d and the activation if any, as modules `0`, `1`, `2` of a block.
func convNormActivation(
    _ b: GraphBuilder, _ x: Int, _ name: String, filters: Int, kernel: Int, stride: Int = 1, groups: Int = 1,
    activation: Activation?
) -> Int {
    b.block(name, type: "Conv2dNormActivation") {
        var y = b.conv(
            x, "0", filters: filters, kernel: Size2(kernel), stride: Size2(stride),
            padding: .symmetric((kernel - 1) / 2), groups: groups, bias: false)
        y = b.batchNorm(y, "1")
        if let activation { y = b.activation(y, "2", activation) }
        return y
    }
}
