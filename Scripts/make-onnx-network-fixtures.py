"""Writes whole torchvision networks (and `extras`, a small network defined here for the ONNX ops
they lack) as ONNX files without their weights, for the importer's and the engine's tests:
Tests/Fixtures/onnx-networks/NAME.onnx plus NAME.json.

Run with the reference virtualenv's python (Scripts/setup-reference-env.sh):
    ~/.venvs/cnn-tui-ref/bin/python Scripts/make-onnx-network-fixtures.py [NAME ...]

Each network is exported by torch.onnx.export, with the TorchScript exporter (dynamo=False,
opset 17: NAME-ts; NAME-ts14 at opset 14) and, for some, with the torch.export one (dynamo=True:
NAME-dyn). The weights
of every Conv, Gemm, MatMul, bias Add and BatchNormalization are then replaced by values from a
formula that the Swift tests compute again (so the fixtures stay small) and moved to an external
data file NAME.onnx.data, which is not committed: the test writes it from the JSON's list of
tensors (name, dims, offset) before reading the file.

    weight k (in the file's initializer order), element i:
        float32(sin(0.37 * i + 1.3 * k) * scale)
        scale = sqrt(3 / fan_in), fan_in = elements / dims[0], for tensors of rank 2 and more;
        0.1 for vectors, and a batchnorm's variance is 0.5 + 0.5 * |sin(...)| instead.
    Initializers with fewer than 2 elements (scalar constants such as a Mul by 2.0) are not weights
    and keep their values.
    input element i: float32(sin(0.1 * i))

The JSON holds the tensors, the input shape, ONNX Runtime's output for that input, and the
parameter count the importer must find (the elements of those weights: "a parameter is a float
initializer that a layer uses"), checked here against torchinfo's count of the original model
with its batchnorms folded into the convolutions before them.
"""

import json
import math
import os
import sys
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torchinfo
import torchvision
from onnx import external_data_helper, numpy_helper
from torch import nn

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "onnx-networks")

# (torchvision name, input size, exporters). resnet18 and googlenet are also zoo models.
NETWORKS = [
    ("resnet18", 224, ["ts", "dyn"]),
    ("googlenet", 224, ["ts"]),  # without its auxiliary classifiers, as it runs in eval mode
    ("mobilenet_v3_small", 224, ["ts", "dyn", "ts11"]),  # ts11: HardSwish as HardSigmoid and Mul
    ("squeezenet1_1", 224, ["ts"]),
    ("mnasnet0_5", 224, ["ts"]),
    ("regnet_x_400mf", 224, ["ts"]),
    ("convnext_tiny", 224, ["ts", "dyn"]),  # channels-last LayerNorm, Linear per position, GELU, layer scale
    ("shufflenet_v2_x0_5", 224, ["ts", "dyn", "ts11"]),  # chunk along channels, channel shuffle, mean over H and W
    ("extras", 32, ["ts", "dyn"]),  # defined below, not torchvision
    ("convnext_block", 32, ["ts14"]),  # defined below; TorchScript at opset 14 spells LayerNorm out
]


class Extras(nn.Module):
    """ONNX ops that the torchvision networks above lack: Sub and Div by scalar constants,
    LeakyRelu, Split along channels, Sub of two layers, Mul by a scalar, Unsqueeze and Reshape of
    a flat vector to C x 1 x 1, a global max pool."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.act = nn.LeakyReLU(0.1)
        self.conv_a = nn.Conv2d(8, 8, 3, padding=1)
        self.conv_b = nn.Conv2d(8, 8, 1)
        self.pool = nn.AdaptiveMaxPool2d(1)
        self.se_reduce = nn.Linear(16, 4)
        self.se_expand = nn.Linear(4, 16)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = (x - 0.5) / 0.25
        x = self.act(self.conv1(x))
        a, b = torch.split(x, [8, 8], dim=1)
        y = torch.cat([self.conv_a(a) - b, self.conv_b(b) * 2.0], dim=1)
        # Squeeze-and-excitation with Linear layers: the gate back to a map by Unsqueeze and by view.
        g = torch.sigmoid(self.se_expand(torch.relu(self.se_reduce(y.mean((2, 3))))))
        y = y * g[:, :, None, None] + y * g.view(-1, 16, 1, 1)
        y = self.pool(y).flatten(1)
        return self.fc(y)


class ConvNeXtBlock(nn.Module):
    """A ConvNeXt stem and block with LayerNorms over the channels of each position (channels
    last) and over the pooled features: below opset 17 the TorchScript exporter spells each
    LayerNorm out as ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 4, stride=4)
        self.norm = nn.LayerNorm(16, eps=1e-6)
        self.dwconv = nn.Conv2d(16, 16, 7, padding=3, groups=16)
        self.ln = nn.LayerNorm(16, eps=1e-6)
        self.fc1 = nn.Linear(16, 64)
        self.fc2 = nn.Linear(64, 16)
        self.head_norm = nn.LayerNorm(16)
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        x = self.norm(self.stem(x).permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        y = self.ln(self.dwconv(x).permute(0, 2, 3, 1))
        y = self.fc2(nn.functional.gelu(self.fc1(y))).permute(0, 3, 1, 2)
        return self.head(self.head_norm((x + y).mean((2, 3))))


CUSTOM = {"extras": Extras, "convnext_block": ConvNeXtBlock}

WEIGHT_INPUTS = {
    "Conv": (1, 2), "Gemm": (1, 2), "MatMul": (1,), "BatchNormalization": (1, 2, 3, 4), "Add": (0, 1),
    "LayerNormalization": (1, 2), "Mul": (0, 1),
}


def formula(dims, k, variance=False):
    count = int(np.prod(dims)) if dims else 1
    i = np.arange(count, dtype=np.float64)
    s = np.sin(0.37 * i + 1.3 * k)
    if variance:
        return (0.5 + 0.5 * np.abs(s)).astype(np.float32)
    scale = math.sqrt(3.0 / max(1, count // dims[0])) if len(dims) >= 2 else 0.1
    return (s * scale).astype(np.float32)


def weight_names(graph):
    """Float initializers that a layer uses as weights, with whether each is a variance. Those with
    fewer than 2 elements are scalar constants (a Mul by 2.0), not weights."""
    floats = {t.name for t in graph.initializer
              if t.data_type == onnx.TensorProto.FLOAT and int(np.prod(t.dims)) >= 2}
    used = {}
    for node in graph.node:
        for i in WEIGHT_INPUTS.get(node.op_type, ()):
            if i < len(node.input) and node.input[i] in floats:
                if node.op_type == "Add" and len(numpy_helper.to_array(next(t for t in graph.initializer if t.name == node.input[i])).shape) != 1:
                    continue
                used[node.input[i]] = node.op_type == "BatchNormalization" and i == 4
    return used


def folded_torchinfo_params(model, size):
    """torchinfo's total with each batchnorm folded into the convolution before it: the batchnorm's
    2C parameters go, and a convolution without a bias gains one of C."""
    total = torchinfo.summary(model, input_size=(1, 3, size, size), verbose=0).total_params
    modules = list(model.modules())
    for a, b in zip(modules, modules[1:]):
        if isinstance(b, torch.nn.BatchNorm2d) and isinstance(a, torch.nn.Conv2d):
            total -= 2 * b.num_features
            if a.bias is None:
                total += b.num_features
    return total


def randomized(model):
    """Every parameter and batchnorm statistic random, so that the exporters neither share equal
    tensors (torchvision zeroes many biases) nor drop zero biases when they fold batchnorms."""
    torch.manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.1)
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn_like(m.running_mean) * 0.1)
                m.running_var.copy_(torch.rand_like(m.running_var) + 0.5)
    return model


def main():
    os.makedirs(OUT, exist_ok=True)
    only = set(sys.argv[1:])  # network names to write (all without arguments)
    for name, size, exporters in NETWORKS:
        if only and name not in only:
            continue
        options = {"aux_logits": False, "init_weights": False} if name == "googlenet" else {}
        model = CUSTOM[name]() if name in CUSTOM else getattr(torchvision.models, name)(**options)
        model = randomized(model.eval())
        x = torch.randn(1, 3, size, size)
        for exporter in exporters:
            stem = f"{name}-{exporter}"
            path = os.path.join(OUT, stem + ".onnx")
            if exporter.startswith("ts"):
                torch.onnx.export(model, (x,), path, dynamo=False, opset_version=int(exporter[2:] or 17))
            else:
                torch.onnx.export(model, (x,), path, dynamo=True)
            m = onnx.load(path)
            for leftover in [path + ".data"]:
                if os.path.exists(leftover):
                    os.remove(leftover)
            used = weight_names(m.graph)
            data = bytearray()
            tensors = []
            for k, t in enumerate(m.graph.initializer):
                if t.name not in used:
                    continue
                dims = list(t.dims)
                values = formula(dims, k, variance=used[t.name])
                raw = values.tobytes()
                t.ClearField("float_data")
                t.raw_data = raw
                external_data_helper.set_external_data(t, location=stem + ".onnx.data", offset=len(data), length=len(raw))
                t.ClearField("raw_data")
                t.data_location = onnx.TensorProto.EXTERNAL
                tensors.append({"name": t.name, "index": k, "dims": dims, "offset": len(data), "variance": used[t.name]})
                data += raw
            onnx.save(m, path)
            with open(path + ".data", "wb") as f:
                f.write(data)
            # A weight counts once per layer that uses it, as the importer and torchinfo count.
            sizes = {t["name"]: int(np.prod(t["dims"])) for t in tensors}
            params = sum(sizes.get(node.input[i], 0) for node in m.graph.node
                         for i in WEIGHT_INPUTS.get(node.op_type, ()) if i < len(node.input))
            folded = folded_torchinfo_params(model, size)
            assert params == folded, f"{stem}: the file's weights count {params:,}, torchinfo with batchnorms folded {folded:,}"
            session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            inp = session.get_inputs()[0]
            n = 3 * size * size
            xin = np.sin(0.1 * np.arange(n, dtype=np.float64)).astype(np.float32).reshape(1, 3, size, size)
            y = session.run(None, {inp.name: xin})[0].reshape(-1)
            expected = {
                "network": name,
                "exporter": exporter,
                "input": [3, size, size],
                "tensors": tensors,
                "params": params,
                "torchinfoFolded": folded,
                "output": [float(v) for v in y],
            }
            with open(os.path.join(OUT, stem + ".json"), "w") as f:
                json.dump(expected, f)
            print(f"{stem}: {os.path.getsize(path):,} bytes, {len(tensors)} weights, {params:,} params "
                  f"(torchinfo folded {expected['torchinfoFolded']:,})")


if __name__ == "__main__":
    main()
