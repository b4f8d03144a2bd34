#!/usr/bin/env python3
"""Hostile ONNX files for the regression tests (Tests/Fixtures/fuzz/onnx/): each once trapped
or ran away in cnn-tui's importer (an audit of the readers, 2026-12-04). Made with the `onnx`
package of the reference environment (Scripts/setup-reference-env.sh), not checked by it:
    ~/.venvs/cnn-tui-ref/bin/python Scripts/make-hostile-onnx.py
"""
import os

import onnx
from onnx import TensorProto, helper

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Fixtures", "fuzz", "onnx")
INT64_MAX = 2**63 - 1


def save(name, nodes, initializers, functions=(), inputs=None, output_shape=None):
    inputs = inputs or [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])]
    graph = helper.make_graph(nodes, name, inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, output_shape)],
                              initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("local", 1)],
                              functions=list(functions))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def main():
    # Pad with INT64_MAX rows on top: the padded height overflowed.
    save("pad-int64-max", [helper.make_node("Pad", ["x", "pads"], ["y"])],
         [helper.make_tensor("pads", TensorProto.INT64, [8], [0, 0, INT64_MAX, 0, 0, 0, 1, 0])])
    # A float initializer of 1e19 as a Reshape's shape: Float to Int trapped.
    save("reshape-float-1e19", [helper.make_node("Reshape", ["x", "shape"], ["y"])],
         [helper.make_tensor("shape", TensorProto.FLOAT, [2], [1.0, 1e19])])
    # INT64_MAX times itself, folded as a constant: the product through Double trapped.
    save("mul-int64-max", [helper.make_node("Mul", ["big", "big"], ["shape"]), helper.make_node("Reshape", ["x", "shape"], ["y"])],
         [helper.make_tensor("big", TensorProto.INT64, [2], [1, INT64_MAX])])
    # An empty constant of dims [0, 2^32, 2^32]: its strides overflowed in Gather.
    save("gather-empty-huge-dims",
         [helper.make_node("Gather", ["empty", "index"], ["shape"], axis=0), helper.make_node("Reshape", ["x", "shape"], ["y"])],
         [helper.make_tensor("empty", TensorProto.INT64, [0, 2**32, 2**32], []),
          helper.make_tensor("index", TensorProto.INT64, [1], [0])])
    # 40 local functions, each calling the one before twice: 2^40 nodes once inlined.
    functions = [helper.make_function("local", "f0", ["a"], ["b"], [helper.make_node("Relu", ["a"], ["b"])],
                                      [helper.make_opsetid("", 17)])]
    for level in range(1, 41):
        functions.append(helper.make_function(
            "local", f"f{level}", ["a"], ["b"],
            [helper.make_node(f"f{level - 1}", ["a"], ["t"], domain="local"),
             helper.make_node(f"f{level - 1}", ["t"], ["b"], domain="local")],
            [helper.make_opsetid("", 17), helper.make_opsetid("local", 1)]))
    save("functions-2-to-the-40", [helper.make_node("f40", ["x"], ["y"], domain="local")], [], functions,
         output_shape=[1, 1, 4, 4])
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")


if __name__ == "__main__":
    main()
