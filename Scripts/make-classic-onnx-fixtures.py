"""Writes small ONNX files built the way the old ONNX model zoo's files were (onnx.helper, old
opsets, every initializer also listed as a graph input as IR 3 required), with real float weights
inside: Tests/Fixtures/onnx-classic/NAME.onnx plus NAME.json.

Run with the reference virtualenv's python (Scripts/setup-reference-env.sh):
    ~/.venvs/cnn-tui-ref/bin/python Scripts/make-classic-onnx-fixtures.py

    caffenet-8        CaffeNet/AlexNet (bvlc_alexnet) structure at opset 8, 3x67x67, few channels:
                      Conv with explicit pads (and group 2 as Caffe's conv2/4/5), Relu,
                      LRN(5, 1e-4, 0.75, 1), MaxPool 3/2, Reshape to [1,-1] (shape an int64
                      initializer), Gemm transB=1, Dropout(ratio), Softmax(axis 1)
    caffenet-4        the same at opset 4, Reshape's shape an attribute (Reshape-1)
    squeezenet10-9    SqueezeNet 1.0 structure at opset 9: Fire modules (squeeze 1x1, expand 1x1
                      and 3x3 concatenated on axis 1), Dropout, final Conv, Relu,
                      GlobalAveragePool, Flatten, Softmax
    resnet-v1-7       ResNet v1 basic blocks at opset 7: Conv without bias, BatchNormalization
                      (spatial=1) as separate nodes, Add, Relu, MaxPool, GlobalAveragePool,
                      Flatten, Gemm

Weights are np.random.default_rng(0) normals scaled by sqrt(2 / fan_in) (a batchnorm's variance
uniform in [0.5, 1.5]). The JSON holds the input shape, the input formula (element i of the
flat NCHW tensor is float32(sin(0.1 * i))), ONNX Runtime's output for it, the parameter count
(elements of the float initializers that Conv, Gemm and BatchNormalization nodes use) and the
op types in node order.
"""

import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "onnx-classic")
rng = np.random.default_rng(0)


class Builder:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def weight(self, name, shape, fan_in=None):
        fan_in = fan_in or int(np.prod(shape[1:])) or 1
        a = (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        self.inits.append(numpy_helper.from_array(a, name))
        return name

    def vector(self, name, n, low=-0.1, high=0.1):
        self.inits.append(numpy_helper.from_array(rng.uniform(low, high, n).astype(np.float32), name))
        return name

    def node(self, op, inputs, name, outputs=None, **attrs):
        outputs = outputs or [name]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, **attrs))
        return outputs[0]

    def conv(self, x, name, cin, cout, k, stride=1, pad=0, group=1, bias=True):
        w = self.weight(name + "_w", [cout, cin // group, k, k])
        ins = [x, w] + ([self.vector(name + "_b", cout)] if bias else [])
        return self.node("Conv", ins, name, kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4, group=group)

    def gemm(self, x, name, cin, cout):
        w = self.weight(name + "_w", [cout, cin])
        return self.node("Gemm", [x, w, self.vector(name + "_b", cout)], name, alpha=1.0, beta=1.0, transB=1)

    def bn(self, x, name, c):
        ins = [x, self.vector(name + "_scale", c, 0.5, 1.5), self.vector(name + "_bias", c),
               self.vector(name + "_mean", c), self.vector(name + "_var", c, 0.5, 1.5)]
        return self.node("BatchNormalization", ins, name, epsilon=1e-5, momentum=0.9, spatial=1)

    def model(self, name, x_shape, out, out_shape, opset, ir):
        inputs = [helper.make_tensor_value_info("data_0", TensorProto.FLOAT, x_shape)]
        # IR 3 and the zoo's files: every initializer is also a graph input.
        inputs += [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in self.inits]
        outputs = [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape)]
        graph = helper.make_graph(self.nodes, name, inputs, outputs, initializer=self.inits)
        m = helper.make_model(graph, producer_name="onnx-caffe2", opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = ir
        return m


def caffenet(opset):
    b = Builder()
    lrn = dict(size=5, alpha=1e-4, beta=0.75, bias=1.0)
    relu = {"consumed_inputs": [0]} if opset < 6 else {}
    x = b.conv("data_0", "conv1", 3, 8, 11, stride=4, pad=0)        # 8x15x15
    x = b.node("Relu", [x], "relu1", **relu)
    x = b.node("LRN", [x], "norm1", **lrn)
    x = b.node("MaxPool", [x], "pool1", kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 0, 0])  # 8x7x7
    x = b.conv(x, "conv2", 8, 16, 5, pad=2, group=2)                  # 16x7x7
    x = b.node("Relu", [x], "relu2", **relu)
    x = b.node("LRN", [x], "norm2", **lrn)
    x = b.node("MaxPool", [x], "pool2", kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 0, 0])  # 16x3x3
    x = b.node("Relu", [b.conv(x, "conv3", 16, 24, 3, pad=1)], "relu3", **relu)
    x = b.node("Relu", [b.conv(x, "conv4", 24, 24, 3, pad=1, group=2)], "relu4", **relu)
    x = b.node("Relu", [b.conv(x, "conv5", 24, 16, 3, pad=1, group=2)], "relu5", **relu)
    x = b.node("MaxPool", [x], "pool5", kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 0, 0])  # 16x1x1
    if opset >= 5:
        b.inits.append(numpy_helper.from_array(np.array([1, -1], dtype=np.int64), "OC2_DUMMY_1"))
        x = b.node("Reshape", [x, "OC2_DUMMY_1"], "OC2_DUMMY_0")
    else:
        x = b.node("Reshape", [x], "OC2_DUMMY_0", shape=[1, -1])
    gemm = (lambda x, n, i, o: b.node("Gemm", [x, b.weight(n + "_w", [o, i]), b.vector(n + "_b", o)], n,
                                      alpha=1.0, beta=1.0, transB=1, broadcast=1)) if opset < 7 else b.gemm
    drop = (lambda x, n: b.node("Dropout", [x], n, outputs=[n, "_" + n + "_mask"], ratio=0.5, is_test=1)) if opset < 7 \
        else (lambda x, n: b.node("Dropout", [x], n, outputs=[n, "_" + n + "_mask"], ratio=0.5))
    x = drop(b.node("Relu", [gemm(x, "fc6", 16, 32)], "relu6", **relu), "drop6")
    x = drop(b.node("Relu", [gemm(x, "fc7", 32, 32)], "relu7", **relu), "drop7")
    x = b.node("Softmax", [gemm(x, "fc8", 32, 10)], "prob_1", axis=1)
    return b.model("caffenet", [1, 3, 67, 67], x, [1, 10], opset, 3)


def squeezenet10():
    b = Builder()

    def fire(x, name, cin, s, e1, e3):
        sq = b.node("Relu", [b.conv(x, name + "_squeeze1x1", cin, s, 1)], name + "_relu_squeeze1x1")
        l = b.node("Relu", [b.conv(sq, name + "_expand1x1", s, e1, 1)], name + "_relu_expand1x1")
        r = b.node("Relu", [b.conv(sq, name + "_expand3x3", s, e3, 3, pad=1)], name + "_relu_expand3x3")
        return b.node("Concat", [l, r], name + "_concat", axis=1)

    x = b.node("Relu", [b.conv("data_0", "conv1", 3, 16, 7, stride=2)], "relu_conv1")      # 16x29x29
    x = b.node("MaxPool", [x], "pool1", kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 0, 0])  # 14x14
    x = fire(x, "fire2", 16, 4, 8, 8)
    x = fire(x, "fire3", 16, 4, 8, 8)
    x = fire(x, "fire4", 16, 8, 16, 16)
    x = b.node("MaxPool", [x], "pool4", kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 0, 0])  # 6x6
    x = fire(x, "fire5", 32, 8, 16, 16)
    x = fire(x, "fire6", 32, 12, 24, 24)
    x = b.node("Dropout", [x], "drop9", outputs=["drop9", "_drop9_mask"], ratio=0.5)
    x = b.node("Relu", [b.conv(x, "conv10", 48, 10, 1)], "relu_conv10")
    x = b.node("GlobalAveragePool", [x], "pool10")
    x = b.node("Flatten", [x], "flatten", axis=1)
    x = b.node("Softmax", [x], "softmaxout_1", axis=1)
    return b.model("squeezenet", [1, 3, 63, 63], x, [1, 10], 9, 4)


def resnet_v1():
    b = Builder()
    x = b.node("Relu", [b.bn(b.conv("data_0", "conv0", 3, 8, 7, stride=2, pad=3, bias=False), "bn0", 8)], "relu0")  # 8x16x16
    x = b.node("MaxPool", [x], "pool0", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])  # 8x8x8

    def block(x, name, cin, cout, stride):
        y = b.node("Relu", [b.bn(b.conv(x, name + "_conv1", cin, cout, 3, stride=stride, pad=1, bias=False), name + "_bn1", cout)], name + "_relu1")
        y = b.bn(b.conv(y, name + "_conv2", cout, cout, 3, pad=1, bias=False), name + "_bn2", cout)
        if stride != 1 or cin != cout:
            x = b.bn(b.conv(x, name + "_down", cin, cout, 1, stride=stride, bias=False), name + "_down_bn", cout)
        return b.node("Relu", [b.node("Add", [y, x], name + "_add")], name + "_relu2")

    x = block(x, "stage1_unit1", 8, 8, 1)
    x = block(x, "stage2_unit1", 8, 16, 2)                                                     # 16x4x4
    x = b.node("GlobalAveragePool", [x], "pool1")
    x = b.node("Flatten", [x], "flatten0", axis=1)
    x = b.gemm(x, "fc1", 16, 10)
    return b.model("resnet", [1, 3, 32, 32], x, [1, 10], 7, 3)


def write(name, model):
    onnx.checker.check_model(model)
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(model, path)
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    x = np.sin(0.1 * np.arange(int(np.prod(shape)), dtype=np.float64)).astype(np.float32).reshape(shape)
    entry = {"input": shape, "inputFormula": "float32(sin(0.1*i))", "opset": model.opset_import[0].version,
             "irVersion": model.ir_version}
    try:
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        entry["output"] = [float(v) for v in sess.run(None, {"data_0": x})[0].ravel()]
    except Exception as e:  # ONNX Runtime no longer runs the oldest opsets
        entry["output"] = None
        entry["ortError"] = str(e).splitlines()[0]
    inits = {t.name: t for t in model.graph.initializer}
    used = {i for n in model.graph.node if n.op_type in ("Conv", "Gemm", "BatchNormalization") for i in n.input}
    entry["params"] = sum(int(np.prod(t.dims)) for k, t in inits.items() if k in used and t.data_type == TensorProto.FLOAT)
    entry["ops"] = [n.op_type for n in model.graph.node]
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(entry, f, indent=1)
        f.write("\n")
    print(name, os.path.getsize(path), "bytes,", entry["params"], "params,", entry.get("ortError", "ORT ok"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write("caffenet-8", caffenet(8))
    write("squeezenet10-9", squeezenet10())
    write("resnet-v1-7", resnet_v1())
    try:
        write("caffenet-4", caffenet(4))
    except Exception as e:
        print("caffenet-4 not written:", str(e).splitlines()[0])
