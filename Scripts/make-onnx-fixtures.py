"""Writes the ONNX reader's fixtures to Tests/Fixtures/onnx/ (each well under 200 KB).

Run with the reference virtualenv's python (Scripts/setup-reference-env.sh):
    ~/.venvs/cnn-tui-ref/bin/python Scripts/make-onnx-fixtures.py

- tiny-cnn-opset13.onnx: a tiny CNN (conv-bn-relu-maxpool-conv-relu-globalavgpool-flatten-linear)
  from torch.onnx.export(dynamo=False, opset_version=13);
- tiny-cnn-dynamo.onnx: the same network from torch.onnx.export(dynamo=True) at its default opset;
- tiny-cnn-dynamo-external.onnx (+ .onnx.data): the same with external_data=True;
- tiny-cnn-opset13-unfolded.onnx (do_constant_folding=False) and tiny-cnn-dynamo-unoptimized.onnx
  (optimize=False): the batchnorm kept as a BatchNormalization node (both exporters fold it into
  the conv otherwise), and Constant nodes;
- each exported model with a .json beside it: what the reader should find, computed here with the
  onnx package (node count, op types in order, initializer names, dims and value sums, the values
  of Constant nodes, opset, producer);
- hand-built models (onnx.helper): external-data.onnx with external-data.bin, local-function.onnx,
  float16-initializer.onnx, undefined-input.onnx, truncated.onnx (the first half of a valid file),
  short-initializer.onnx (an initializer whose raw data is one float short), escaping-external.onnx
  (external data at ../outside.bin).
"""

import json
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "onnx")


class TinyCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(4)
        self.pool = torch.nn.MaxPool2d(2)
        self.conv2 = torch.nn.Conv2d(4, 8, 3, padding=1)
        self.gap = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(8, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = torch.relu(self.conv2(x))
        return self.fc(torch.flatten(self.gap(x), 1))


def default_opset(model):
    return next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))


def constant(node):
    """A Constant node's attribute (value, value_ints, value_float, ...) and its values, flat."""
    (attribute,) = node.attribute
    value = helper.get_attribute_value(attribute)
    if isinstance(value, TensorProto):
        value = numpy_helper.to_array(value).flatten().tolist()
    return {"attribute": attribute.name, "values": [float(v) for v in np.atleast_1d(value)]}


def expectation(model, folder=None):
    """What ONNXFile.read should report, from the onnx package's own reading (sums of each
    initializer's values check the data itself, external data included)."""
    if folder is not None:
        onnx.external_data_helper.load_external_data_for_model(model, folder)
    graph = model.graph
    initializer_names = {t.name for t in graph.initializer}
    return {
        "irVersion": model.ir_version,
        "opsetVersion": default_opset(model),
        "producer": f"{model.producer_name} {model.producer_version}",
        "nodeCount": len(graph.node),
        "opTypes": [n.op_type for n in graph.node],
        "initializers": {t.name: list(t.dims) for t in graph.initializer},
        "inputs": [i.name for i in graph.input if i.name not in initializer_names],
        "outputs": [o.name for o in graph.output],
        "functions": len(model.functions),
        "initializerSums": {t.name: float(numpy_helper.to_array(t).astype(np.float64).sum()) for t in graph.initializer},
        "constants": {n.output[0]: constant(n) for n in graph.node if n.op_type == "Constant"},
    }


def write_json(name, model, folder=None):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(expectation(model, folder), f, indent=2, sort_keys=True)
        f.write("\n")


def export_torch():
    torch.manual_seed(0)
    net = TinyCNN().eval()
    x = torch.randn(1, 1, 8, 8)

    path = os.path.join(OUT, "tiny-cnn-opset13.onnx")
    torch.onnx.export(net, (x,), path, dynamo=False, opset_version=13, input_names=["input"], output_names=["logits"])
    write_json("tiny-cnn-opset13.json", onnx.load(path))

    path = os.path.join(OUT, "tiny-cnn-dynamo.onnx")
    torch.onnx.export(net, (x,), path, dynamo=True, input_names=["input"], output_names=["logits"], external_data=False)
    write_json("tiny-cnn-dynamo.json", onnx.load(path))

    path = os.path.join(OUT, "tiny-cnn-opset13-unfolded.onnx")
    torch.onnx.export(
        net, (x,), path, dynamo=False, opset_version=13, do_constant_folding=False, input_names=["input"], output_names=["logits"]
    )
    write_json("tiny-cnn-opset13-unfolded.json", onnx.load(path))

    path = os.path.join(OUT, "tiny-cnn-dynamo-unoptimized.onnx")
    torch.onnx.export(net, (x,), path, dynamo=True, optimize=False, input_names=["input"], output_names=["logits"], external_data=False)
    write_json("tiny-cnn-dynamo-unoptimized.json", onnx.load(path))

    # torch writes its side file as "<name>.data" next to the model.
    path = os.path.join(OUT, "tiny-cnn-dynamo-external.onnx")
    torch.onnx.export(net, (x,), path, dynamo=True, input_names=["input"], output_names=["logits"], external_data=True)
    model = onnx.load(path, load_external_data=False)
    write_json("tiny-cnn-dynamo-external.json", model, OUT)


def save(model, name):
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name))


def graph_model(nodes, inputs, outputs, initializers=(), functions=(), opset=13, extra_opsets=()):
    graph = helper.make_graph(nodes, "fixture", inputs, outputs, initializer=list(initializers))
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets, functions=list(functions), producer_name="make-onnx-fixtures", producer_version="1")
    model.ir_version = 8
    return model


def float_input(name, dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def external_data():
    """A Conv whose weight (2x1x3x3, values 0..17) lives at offset 8 of external-data.bin."""
    weight = np.arange(18, dtype=np.float32).reshape(2, 1, 3, 3)
    with open(os.path.join(OUT, "external-data.bin"), "wb") as f:
        f.write(b"\xff" * 8)  # a header the offset skips
        f.write(weight.tobytes())
    tensor = TensorProto(name="conv.weight", data_type=TensorProto.FLOAT, dims=[2, 1, 3, 3], data_location=TensorProto.EXTERNAL)
    for key, value in [("location", "external-data.bin"), ("offset", "8"), ("length", str(weight.nbytes))]:
        tensor.external_data.add(key=key, value=value)
    node = helper.make_node("Conv", ["x", "conv.weight"], ["y"], name="conv", pads=[1, 1, 1, 1])
    model = graph_model([node], [float_input("x", [1, 1, 4, 4])], [float_input("y", [1, 2, 4, 4])], [tensor])
    onnx.save(model, os.path.join(OUT, "external-data.onnx"))
    onnx.checker.check_model(os.path.join(OUT, "external-data.onnx"))

    # The same tensor pointing outside the model's folder: the reader must refuse it.
    model.graph.initializer[0].external_data[0].value = "../outside.bin"
    onnx.save(model, os.path.join(OUT, "escaping-external.onnx"))


def local_function():
    """ScaledRelu(x) = Relu(Mul(x, scale)) with attribute `alpha` fed to a LeakyRelu by reference,
    defined in domain "local" and called twice."""
    alpha = helper.make_attribute_ref("alpha", onnx.AttributeProto.FLOAT)
    inner = [
        helper.make_node("Mul", ["X", "S"], ["t"], name="mul"),
        helper.make_node("LeakyRelu", ["t"], ["Y"], name="leaky"),
    ]
    inner[1].attribute.append(alpha)
    inner[0].metadata_props.add(key="pkg.torch.onnx.name_scopes", value="['block', 'mul']")
    function = helper.make_function(
        "local", "ScaledRelu", ["X", "S"], ["Y"], inner, [helper.make_opsetid("", 13)], attributes=["alpha"]
    )
    scale = numpy_helper.from_array(np.array([2.0], dtype=np.float32), "scale")
    nodes = [
        helper.make_node("ScaledRelu", ["x", "scale"], ["h"], name="block1", domain="local", alpha=0.1),
        helper.make_node("ScaledRelu", ["h", "scale"], ["y"], name="block2", domain="local", alpha=0.2),
    ]
    model = graph_model(nodes, [float_input("x", [1, 4])], [float_input("y", [1, 4])], [scale], [function], extra_opsets=[("local", 1)])
    save(model, "local-function.onnx")


def float16_initializer():
    """An Add of a float16 initializer [1, -2, 0.5, 65504] (65504 is float16's largest value)."""
    values = np.array([1.0, -2.0, 0.5, 65504.0], dtype=np.float16)
    bias = numpy_helper.from_array(values, "bias")
    f16 = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT16, [4])
    node = helper.make_node("Add", ["x", "bias"], ["y"], name="add")
    save(graph_model([node], [f16("x")], [f16("y")], [bias]), "float16-initializer.onnx")


def undefined_input():
    """A Relu reading `missing`, which nothing defines."""
    nodes = [
        helper.make_node("Relu", ["x"], ["h"], name="relu1"),
        helper.make_node("Add", ["h", "missing"], ["y"], name="add"),
    ]
    model = graph_model(nodes, [float_input("x", [1, 4])], [float_input("y", [1, 4])])
    onnx.save(model, os.path.join(OUT, "undefined-input.onnx"))


def truncated():
    """The first half of a valid file (a Gemm with a 16x16 weight)."""
    weight = numpy_helper.from_array(np.ones((16, 16), dtype=np.float32), "fc.weight")
    node = helper.make_node("Gemm", ["x", "fc.weight"], ["y"], name="fc", transB=1)
    model = graph_model([node], [float_input("x", [1, 16])], [float_input("y", [1, 16])], [weight])
    data = model.SerializeToString()
    with open(os.path.join(OUT, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])


def short_initializer():
    """fc.weight says 4x4 but its raw data holds 15 floats."""
    weight = TensorProto(name="fc.weight", data_type=TensorProto.FLOAT, dims=[4, 4])
    weight.raw_data = np.ones(15, dtype=np.float32).tobytes()
    node = helper.make_node("Gemm", ["x", "fc.weight"], ["y"], name="fc", transB=1)
    model = graph_model([node], [float_input("x", [1, 4])], [float_input("y", [1, 4])], [weight])
    onnx.save(model, os.path.join(OUT, "short-initializer.onnx"))


def main():
    os.makedirs(OUT, exist_ok=True)
    export_torch()
    external_data()
    local_function()
    float16_initializer()
    undefined_input()
    truncated()
    short_initializer()
    for name in sorted(os.listdir(OUT)):
        print(f"{os.path.getsize(os.path.join(OUT, name)):>8}  {name}")


if __name__ == "__main__":
    main()
