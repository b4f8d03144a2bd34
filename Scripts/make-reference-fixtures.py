"""Writes the reference fixtures the Swift tests check every zoo model against.

For each model it builds the real thing in the reference library and records, in
Tests/Fixtures/reference/<name>.json, the totals and every call of a leaf module (name, class,
output shape, parameters, batchnorm running statistics, mult-adds):

- torchvision models with torchinfo 1.8.0 (weights=None);
- the paper and course models (LeNet-5, the 2012 AlexNet, ZFNet, NIN, plain-34, SE-ResNet-50,
  the course examples) as PyTorch modules written below, also measured with torchinfo;
- NASNet-A Mobile with keras.applications.NASNetMobile (Keras's own parameter counts).

Run from the repository root, in the environment made by Scripts/setup-reference-env.sh:

    Scripts/setup-reference-env.sh
    ~/.venvs/cnn-tui-ref/bin/python Scripts/make-reference-fixtures.py [NAME ...]
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torchinfo
import torchvision
from torchvision import models
from torchvision.ops import SqueezeExcitation

OUT = os.path.join("Tests", "Fixtures", "reference")


# ---------------------------------------------------------------- hand-written PyTorch models

class LeNet5(nn.Module):
    """LeCun et al. 1998 with the paper's layer names, tanh and average-pool subsampling."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.act1 = nn.Tanh()
        self.s2 = nn.AvgPool2d(2, 2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.act3 = nn.Tanh()
        self.s4 = nn.AvgPool2d(2, 2)
        self.c5 = nn.Conv2d(16, 120, 5)
        self.act5 = nn.Tanh()
        self.f6 = nn.Linear(120, 84)
        self.act6 = nn.Tanh()
        self.output = nn.Linear(84, 10)

    def forward(self, x):
        x = self.s2(self.act1(self.c1(x)))
        x = self.s4(self.act3(self.c3(x)))
        x = torch.flatten(self.act5(self.c5(x)), 1)
        return self.output(self.act6(self.f6(x)))


def lrn():
    return nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2)


def alexnet_classifier():
    return nn.Sequential(nn.Dropout(0.5), nn.Linear(9216, 4096), nn.ReLU(True), nn.Dropout(0.5),
                         nn.Linear(4096, 4096), nn.ReLU(True), nn.Linear(4096, 1000))


class AlexNet2012(nn.Module):
    """Krizhevsky et al. 2012: two groups, LRN, overlapping pooling, 227x227 input."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(True), lrn(), nn.MaxPool2d(3, 2),
            nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(True), lrn(), nn.MaxPool2d(3, 2),
            nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(True),
            nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(True),
            nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(True), nn.MaxPool2d(3, 2))
        self.classifier = alexnet_classifier()

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class ZFNet(AlexNet2012):
    """Zeiler and Fergus 2013: 7x7/2 first layer, 5x5/2 second."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 7, stride=2, padding=1), nn.ReLU(True), lrn(), nn.MaxPool2d(3, 2, ceil_mode=True),
            nn.Conv2d(96, 256, 5, stride=2), nn.ReLU(True), lrn(), nn.MaxPool2d(3, 2, ceil_mode=True),
            nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(True),
            nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(True), nn.MaxPool2d(3, 2, ceil_mode=True))


def mlpconv(cin, a, b, c, k, p):
    return nn.Sequential(nn.Conv2d(cin, a, k, padding=p), nn.ReLU(True), nn.Conv2d(a, b, 1), nn.ReLU(True),
                         nn.Conv2d(b, c, 1), nn.ReLU(True))


class NIN(nn.Module):
    """Lin et al. 2013, the CIFAR-10 model."""

    def __init__(self):
        super().__init__()
        self.block1 = mlpconv(3, 192, 160, 96, 5, 2)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.drop1 = nn.Dropout(0.5)
        self.block2 = mlpconv(96, 192, 192, 192, 5, 2)
        self.pool2 = nn.AvgPool2d(3, 2, ceil_mode=True)
        self.drop2 = nn.Dropout(0.5)
        self.block3 = mlpconv(192, 192, 192, 10, 3, 1)
        self.gap = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        x = self.drop1(self.pool1(self.block1(x)))
        x = self.drop2(self.pool2(self.block2(x)))
        return torch.flatten(self.gap(self.block3(x)), 1)


class PlainBlock(nn.Module):
    """A ResNet BasicBlock without its shortcut (He et al. 2015, the plain baseline)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.relu(self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x))))))


def resnet18_cifar():
    """torchvision's resnet18 with the CIFAR stem: one 3x3 stride-1 conv, no max pooling, 10 classes."""
    model = models.resnet18(weights=None, num_classes=10)
    model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    model.maxpool = nn.Identity()
    return model


def plain34():
    model = models.resnet34(weights=None)
    cin = 64
    for i, (cout, blocks) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)], 1):
        layers = [PlainBlock(cin if j == 0 else cout, cout, 2 if (j == 0 and i > 1) else 1) for j in range(blocks)]
        setattr(model, f"layer{i}", nn.Sequential(*layers))
        cin = cout
    return model


class SEBottleneck(nn.Module):
    """torchvision's Bottleneck with squeeze-and-excitation on bn3's output (Hu et al. 2017)."""

    def __init__(self, block):
        super().__init__()
        for name in ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3", "relu", "downsample"]:
            setattr(self, name, getattr(block, name))
        c = block.bn3.num_features
        self.se = SqueezeExcitation(c, c // 16)

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.se(self.bn3(self.conv3(out)))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


def se_resnet50():
    model = models.resnet50(weights=None)
    for i in range(1, 5):
        layer = getattr(model, f"layer{i}")
        setattr(model, f"layer{i}", nn.Sequential(*[SEBottleneck(b) for b in layer]))
    return model


class SimpleCNN(nn.Module):
    def __init__(self):
        super().__init__()
        layers, cin = [], 3
        for cout in [16, 32, 64]:
            layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(True), nn.MaxPool2d(2, 2)]
            cin = cout
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(64 * 28 * 28, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class VGG11Course(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = models.vgg11_bn(weights=None).features
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(512, 7)

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class InceptionNaive(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch1 = nn.Conv2d(3, 3, 1)
        self.branch2 = nn.Conv2d(3, 3, 3, padding=1)
        self.branch3 = nn.Conv2d(3, 3, 5, padding=2)
        self.branch4 = nn.MaxPool2d(3, 1, padding=1)

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class InceptionReduced(InceptionNaive):
    def __init__(self):
        super().__init__()
        self.branch2 = nn.Sequential(nn.Conv2d(3, 2, 1), nn.Conv2d(2, 3, 3, padding=1))
        self.branch3 = nn.Sequential(nn.Conv2d(3, 2, 1), nn.Conv2d(2, 3, 5, padding=2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, 1, padding=1), nn.Conv2d(3, 3, 1))


class ConvStack(nn.Module):
    """conv1, relu1, conv2, relu2, ...: 2 filters each, valid padding."""

    def __init__(self, kernels):
        super().__init__()
        cin = 3
        for i, k in enumerate(kernels, 1):
            setattr(self, f"conv{i}", nn.Conv2d(cin, 2, k))
            setattr(self, f"relu{i}", nn.ReLU())
            cin = 2
        self.count = len(kernels)

    def forward(self, x):
        for i in range(1, self.count + 1):
            x = getattr(self, f"relu{i}")(getattr(self, f"conv{i}")(x))
        return x


class Filters(nn.Module):
    """The classic-kernels model: one 3x3 convolution, seven filters, no bias, padding 1."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 7, 3, padding=1, bias=False)

    def forward(self, x):
        return self.conv(x)


# ---------------------------------------------------------------- the catalogue

def tv(name, **kwargs):
    return lambda: getattr(models, name)(weights=None, **kwargs)


TORCH = {
    # name: (constructor, input C,H,W, mode)
    "lenet5": (LeNet5, (1, 32, 32), "eval"),
    "alexnet": (AlexNet2012, (3, 227, 227), "eval"),
    "zfnet": (ZFNet, (3, 224, 224), "eval"),
    "nin": (NIN, (3, 32, 32), "eval"),
    "plain34": (plain34, (3, 224, 224), "eval"),
    "resnet18_cifar": (resnet18_cifar, (3, 32, 32), "eval"),
    "se_resnet50": (se_resnet50, (3, 224, 224), "eval"),
    "simple_cnn": (SimpleCNN, (3, 224, 224), "eval"),
    "vgg11_course": (VGG11Course, (3, 224, 224), "eval"),
    "inception_naive": (InceptionNaive, (3, 32, 32), "eval"),
    "inception_reduced": (InceptionReduced, (3, 32, 32), "eval"),
    "conv5x5": (lambda: ConvStack([5]), (3, 32, 32), "eval"),
    "conv3x3x2": (lambda: ConvStack([3, 3]), (3, 32, 32), "eval"),
    "conv3x3x3": (lambda: ConvStack([3, 3, 3]), (3, 32, 32), "eval"),
    "filters": (Filters, (1, 64, 64), "eval"),
    "googlenet": (tv("googlenet", aux_logits=False, transform_input=False, init_weights=False), (3, 224, 224), "eval"),
    "googlenet_aux": (tv("googlenet", aux_logits=True, transform_input=False, init_weights=False), (3, 224, 224), "train"),
    "inception_v3": (tv("inception_v3", aux_logits=False, transform_input=False, init_weights=False), (3, 299, 299), "eval"),
    "inception_v3_aux": (tv("inception_v3", aux_logits=True, transform_input=False, init_weights=False), (3, 299, 299), "train"),
    "resnet50@3x32x32": (tv("resnet50"), (3, 32, 32), "eval"),
}
for _name in ["vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
              "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "densenet121",
              "efficientnet_b0", "mobilenet_v2"]:
    TORCH[_name] = (tv(_name), (3, 224, 224), "eval")


def running_stats(module, recurse):
    return sum(b.numel() for n, b in module.named_buffers(recurse=recurse)
               if n.split(".")[-1] in ("running_mean", "running_var"))


def torch_fixture(name, make, shape, mode):
    torch.manual_seed(0)
    model = make()
    # Training mode runs the auxiliary heads; batchnorm then needs more than one sample, so use a
    # batch of two and divide the batch-proportional counts by two.
    batch = 2 if mode == "train" else 1
    names = {id(m): n for n, m in model.named_modules()}
    stats = torchinfo.summary(model, input_size=(batch, *shape), mode=mode, verbose=0, depth=100)
    layers = []
    for info in stats.summary_list:
        if list(info.module.children()) or info.module is model:
            continue
        layers.append(dict(
            module=names[id(info.module)], type=info.class_name,
            outputShape=list(info.output_size[1:]),
            params=sum(p.numel() for p in info.module.parameters(recurse=False)),
            runningStats=running_stats(info.module, recurse=False),
            macs=info.macs // batch))
    total_macs = stats.total_mult_adds // batch
    assert sum(l["macs"] for l in layers) == total_macs, (name, sum(l["macs"] for l in layers), total_macs)
    return dict(
        model=name,
        source=f"torch {torch.__version__}, torchvision {torchvision.__version__}, torchinfo {torchinfo.__version__}"
               + (", train mode (aux heads run), batch 2 halved" if mode == "train" else ""),
        input=list(shape), totalParams=stats.total_params, trainableParams=stats.trainable_params,
        runningStats=running_stats(model, recurse=True), multAdds=total_macs,
        inputBytes=stats.total_input // batch, forwardBackwardBytes=stats.total_output_bytes // batch,
        paramBytes=stats.total_param_bytes,
        layers=layers)


def keras_fixture():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    model = keras.applications.NASNetMobile(weights=None, include_top=True, input_shape=(224, 224, 3))
    layers = []
    for layer in model.layers:
        shape = [int(d) for d in layer.output.shape[1:]]
        shape = [shape[-1]] + shape[:-1] if len(shape) == 3 else shape
        inbound = []
        for node in getattr(layer, "_inbound_nodes", []):
            for t in getattr(node, "input_tensors", []):
                history = getattr(t, "_keras_history", None)
                if history is not None:
                    inbound.append(history[0].name)
        layers.append(dict(module=layer.name, type=type(layer).__name__, outputShape=shape,
                           params=int(layer.count_params()), inputs=inbound))
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    return dict(model="nasnet_mobile", source=f"keras {keras.__version__} applications.NASNetMobile(weights=None)",
                input=[3, 224, 224], totalParams=int(model.count_params()), trainableParams=trainable,
                nonTrainableParams=non_trainable, layers=layers)


def write(fixture):
    path = os.path.join(OUT, fixture["model"] + ".json")
    layers = fixture.pop("layers")
    with open(path, "w") as f:
        f.write("{\n")
        for key, value in fixture.items():
            f.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
        f.write('  "layers": [\n')
        f.write(",\n".join("    " + json.dumps(l) for l in layers))
        f.write("\n  ]\n}\n")
    print(f"{fixture['model']:20} params {fixture['totalParams']:>12,}  trainable {fixture['trainableParams']:>12,}"
          f"  mult-adds {fixture.get('multAdds', 0):>16,}  layers {len(layers)}")


def main():
    os.makedirs(OUT, exist_ok=True)
    wanted = set(sys.argv[1:])
    for name, (make, shape, mode) in TORCH.items():
        if not wanted or name in wanted:
            write(torch_fixture(name, make, shape, mode))
    if not wanted or "nasnet_mobile" in wanted:
        write(keras_fixture())


if __name__ == "__main__":
    main()
