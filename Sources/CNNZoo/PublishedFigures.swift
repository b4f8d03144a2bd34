/// What a model's paper published about it: its cost, its parameters and its top-5 error on
/// ImageNet, each as printed, with where. Every cost figure from 2014 on is a count of
/// multiply-adds of the convolutions and dense layers, whatever the paper calls it ("FLOPs" in
/// ResNet and EfficientNet, "MAdds" in MobileNetV2); none counts a FLOP as two of them.
public struct PublishedFigures: Sendable {
    /// A number as the paper prints it.
    public struct Figure: Sendable {
        /// The value, in units (3.8×10⁹ for "3.8×10^9").
        public let value: Double
        /// As printed: `3.8×10^9 FLOPs (multiply-adds)`.
        public let text: String
        /// Where: `He et al. 2015, Table 1`.
        public let source: String
    }

    /// A top-5 error and how it was measured, as printed.
    public struct TopFive: Sendable {
        /// Percent.
        public let error: Double
        /// `single model, 10 crops, ILSVRC-2012 validation`.
        public let protocolDescription: String
        public let source: String
    }

    /// The paper's cost figure; nil when the paper gives none.
    public let cost: Figure?
    /// What the cost figure counts, and where a commonly quoted figure comes from otherwise.
    public let costNote: String
    /// The paper's parameter count; nil when it gives none.
    public let params: Figure?
    /// The best single-model top-5 error the paper reports; nil when it reports none.
    public let topFive: TopFive?
    /// The competition result, for the models that won or placed in ILSVRC.
    public let competition: String?
}

extension ZooModel {
    /// What the model's paper published; nil for the course's worked examples, which have no
    /// paper.
    public var published: PublishedFigures? { PublishedFigures.byModel[name] }
}

extension PublishedFigures {
    private static let resnet = "He, Zhang, Ren and Sun 2015 (arXiv 1512.03385)"
    private static let resnetCost =
        "multiply-adds of the convolutions and the dense layer (\"FLOPs (multiply-adds)\", §3.3), with the downsampling stride in each stage's first 1x1 convolution (ResNet v1)"
    private static let resnetTopFive = "single model, fully convolutional over 5 scales, ILSVRC-2012 validation"

    private static func resnetFigures(cost: Double, text: String, topFive: Double?) -> PublishedFigures {
        PublishedFigures(
            cost: Figure(value: cost, text: text, source: resnet + ", Table 1"), costNote: resnetCost, params: nil,
            topFive: topFive.map { TopFive(error: $0, protocolDescription: resnetTopFive, source: resnet + ", Table 4") },
            competition: "3.57% top-5, ILSVRC-2015 test, an ensemble (1st)")
    }

    static let byModel: [String: PublishedFigures] = [
        "lenet5": PublishedFigures(
            cost: Figure(value: 340_908, text: "340,908 connections", source: "LeCun et al. 1998, §II.B"),
            costNote: "connections: each multiply-add and bias input, counted once per position",
            params: Figure(
                value: 60_000, text: "60,000 trainable free parameters", source: "LeCun et al. 1998, §II.B"),
            topFive: nil, competition: "MNIST test error 0.95% (no ImageNet)"),
        "alexnet": PublishedFigures(
            cost: nil,
            costNote:
                "the paper gives no cost; the often quoted 0.72G is later arithmetic on its two-GPU (grouped) layout, 724M multiply-adds",
            params: Figure(value: 60e6, text: "60 million parameters", source: "Krizhevsky, Sutskever and Hinton 2012, abstract"),
            topFive: TopFive(
                error: 18.2, protocolDescription: "1 CNN, 10 patches, ILSVRC-2012 validation",
                source: "Krizhevsky, Sutskever and Hinton 2012, Table 2"),
            competition: "15.3% top-5, ILSVRC-2012 test, 7 CNNs with extra data (1st)"),
        "zfnet": PublishedFigures(
            cost: nil, costNote: "the paper gives no cost and no parameter count", params: nil,
            topFive: TopFive(
                error: 16.5, protocolDescription: "1 convnet as in its Fig. 3, ILSVRC-2012 validation",
                source: "Zeiler and Fergus 2013 (arXiv 1311.2901), Table 2"),
            competition: "14.8% top-5, ILSVRC-2012 test, 6 convnets (ILSVRC-2013's 11.7% was Clarifai's entry)"),
        "nin": PublishedFigures(
            cost: nil, costNote: "the paper has no ImageNet experiments (CIFAR-10 test error 8.81%)", params: nil, topFive: nil,
            competition: nil),
        "googlenet": PublishedFigures(
            cost: Figure(
                value: 1.5e9, text: "1.5 billion multiply-adds", source: "Szegedy et al. 2014 (arXiv 1409.4842), §1"),
            costNote: "multiply-adds at inference, the auxiliary classifiers discarded (its Table 1's ops column sums to 1,502M)",
            params: nil,
            topFive: TopFive(
                error: 7.89, protocolDescription: "1 model, 144 crops, ILSVRC-2012 validation",
                source: "Szegedy et al. 2014, Table 3"),
            competition: "6.67% top-5, ILSVRC-2014 test, 7 models (1st)"),
        "inception_v3": PublishedFigures(
            cost: Figure(
                value: 5e9, text: "5 billion multiply-adds", source: "Szegedy et al. 2015 (arXiv 1512.00567), abstract"),
            costNote: "multiply-adds at 299x299 (its Table 3 prints 4.8 billion ops for the same model)",
            params: Figure(value: 25e6, text: "less than 25 million parameters", source: "Szegedy et al. 2015, abstract"),
            topFive: TopFive(
                error: 5.6, protocolDescription: "single model, single crop, ILSVRC-2012 validation",
                source: "Szegedy et al. 2015, abstract"),
            competition: "3.58% top-5, ILSVRC-2012 test, an ensemble of 4 models"),
        "resnet18": resnetFigures(cost: 1.8e9, text: "1.8×10^9 FLOPs (multiply-adds)", topFive: nil),
        "resnet34": resnetFigures(cost: 3.6e9, text: "3.6×10^9 FLOPs (multiply-adds)", topFive: 5.71),
        "resnet50": resnetFigures(cost: 3.8e9, text: "3.8×10^9 FLOPs (multiply-adds)", topFive: 5.25),
        "resnet101": resnetFigures(cost: 7.6e9, text: "7.6×10^9 FLOPs (multiply-adds)", topFive: 4.60),
        "resnet152": resnetFigures(cost: 11.3e9, text: "11.3×10^9 FLOPs (multiply-adds)", topFive: 4.49),
        "se_resnet50": PublishedFigures(
            cost: Figure(value: 3.87e9, text: "~3.87 GFLOPs", source: "Hu et al. 2017 (arXiv 1709.01507), §4 and Table 2"),
            costNote: "GFLOPs are not defined in the paper, but its 3.86 for ResNet-50 is the ResNet v1 multiply-add count",
            params: nil,
            topFive: TopFive(
                error: 6.62, protocolDescription: "single model, single crop, ILSVRC-2012 validation",
                source: "Hu et al. 2017, Table 2"),
            competition: "2.251% top-5, ILSVRC-2017 test, an ensemble of SENets (1st)"),
        "densenet121": PublishedFigures(
            cost: nil, costNote: "the paper only plots costs (its Fig. 3); it prints no number for DenseNet-121", params: nil,
            topFive: TopFive(
                error: 6.66, protocolDescription: "single model, 10 crops, ILSVRC-2012 validation",
                source: "Huang et al. 2016 (arXiv 1608.06993), Table 3"),
            competition: nil),
        "vgg11": PublishedFigures(
            cost: nil, costNote: "the VGG paper gives no cost",
            params: Figure(
                value: 133e6, text: "133 million (configuration A)", source: "Simonyan and Zisserman 2014 (arXiv 1409.1556), Table 2"),
            topFive: nil, competition: nil),
        "vgg13": PublishedFigures(
            cost: nil, costNote: "the VGG paper gives no cost",
            params: Figure(
                value: 133e6, text: "133 million (configuration B)", source: "Simonyan and Zisserman 2014, Table 2"),
            topFive: nil, competition: nil),
        "vgg16": PublishedFigures(
            cost: Figure(value: 15.3e9, text: "15.3 billion FLOPs", source: resnet + ", §4.1"),
            costNote: "the VGG paper gives no cost; this figure is the ResNet paper's, and fits the convolutions alone",
            params: Figure(value: 138e6, text: "138 million (configuration D)", source: "Simonyan and Zisserman 2014, Table 2"),
            topFive: TopFive(
                error: 7.2, protocolDescription: "single net, multi-crop and dense over 3 scales, ILSVRC-2012 validation",
                source: "Simonyan and Zisserman 2014, Table 5"),
            competition: "7.3% top-5, ILSVRC-2014 test, 7 nets (2nd)"),
        "vgg19": PublishedFigures(
            cost: Figure(value: 19.6e9, text: "19.6 billion FLOPs", source: resnet + ", §3.3"),
            costNote: "the VGG paper gives no cost; this figure is the ResNet paper's, convolutions and dense layers",
            params: Figure(value: 144e6, text: "144 million (configuration E)", source: "Simonyan and Zisserman 2014, Table 2"),
            topFive: TopFive(
                error: 7.1, protocolDescription: "single net, multi-crop and dense over 3 scales, ILSVRC-2012 validation",
                source: "Simonyan and Zisserman 2014, Table 5"),
            competition: "7.3% top-5, ILSVRC-2014 test, 7 nets (2nd)"),
        "nasnet_mobile": PublishedFigures(
            cost: Figure(value: 564e6, text: "564M mult-adds", source: "Zoph et al. 2017 (arXiv 1707.07012), Table 3"),
            costNote: "multiply-adds at 224x224", params: Figure(value: 5.3e6, text: "5.3M", source: "Zoph et al. 2017, Table 3"),
            topFive: TopFive(
                error: 8.4, protocolDescription: "single model, single crop, ILSVRC-2012 validation (91.6% top-5 accuracy)",
                source: "Zoph et al. 2017, Table 3"),
            competition: nil),
        "mobilenet_v2": PublishedFigures(
            cost: Figure(value: 300e6, text: "300M MAdds", source: "Sandler et al. 2018 (arXiv 1801.04381), Table 4"),
            costNote: "\"we count the total number of Multiply-Adds\" (Table 4's caption)",
            params: Figure(value: 3.4e6, text: "3.4M", source: "Sandler et al. 2018, Table 4"), topFive: nil, competition: nil),
        "efficientnet_b0": PublishedFigures(
            cost: Figure(value: 0.39e9, text: "0.39B FLOPs", source: "Tan and Le 2019 (arXiv 1905.11946), Table 2"),
            costNote: "FLOPs are not defined in the paper, but they are multiply-adds: it quotes MobileNetV2 at 0.3B and ResNet-50 at 4.1B",
            params: Figure(value: 5.3e6, text: "5.3M", source: "Tan and Le 2019, Table 2"),
            topFive: TopFive(
                error: 6.7, protocolDescription: "single model, single crop, ILSVRC-2012 validation (93.3% top-5 accuracy)",
                source: "Tan and Le 2019, Table 2 (arXiv v5)"),
            competition: nil),
    ]
}
