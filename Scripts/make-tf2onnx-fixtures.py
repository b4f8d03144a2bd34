"""Writes small ONNX files made the way Keras users make them: a Keras 3 model (TensorFlow backend)
-> `model.export(dir)` (a TF SavedModel) -> `python -m tf2onnx.convert --saved-model DIR --output
FILE --opset 13`, with the converter's defaults otherwise (no --inputs-as-nchw: the file is NHWC,
as a user gets it). Output: Tests/Fixtures/onnx-tf2onnx/NAME.onnx plus NAME.json.

Run with the reference virtualenv's python (Scripts/setup-reference-env.sh), on the TensorFlow backend
(the script sets KERAS_BACKEND=tensorflow itself if it is unset):
    KERAS_BACKEND=tensorflow ~/.venvs/cnn-tui-ref/bin/python Scripts/make-tf2onnx-fixtures.py

It also prints, for each file, a compact description of the ONNX graph (node op types in order with
the attributes and constant operands that matter to an importer) and saves it to
/tmp/tf2onnx-graphs.txt.

    keras_small_cnn   Conv2D(8, 3, same, relu), BatchNormalization, MaxPooling2D(2),
                      DepthwiseConv2D(3, same), Conv2D(16, 1), LeakyReLU(0.1), AveragePooling2D(2),
                      Flatten (of a channels-last map), Dense(10, softmax)
    keras_inception   an Inception-like module: Conv2D 1x1 (3) | 1x1 (4) -> 3x3 same (6) |
                      1x1 (2) -> 5x5 same (4) | MaxPooling2D(3, strides 1, same) -> 1x1 (5), the
                      branch widths all different so the ONNX Convs can be told apart, Concatenate(axis -1),
                      GlobalAveragePooling2D, Dense(10)
    keras_residual    Conv2D(16, 3, strides 2, same) -> BN -> ReLU, a residual block (Conv 3x3 same,
                      BN, ReLU, Conv 3x3 same, BN, Add with the block input, ReLU), ZeroPadding2D(1),
                      Conv2D(16, 3), GlobalMaxPooling2D, Dense(5)

Conventions:
  * All models take Input(shape=(32, 32, 3)), channels last as Keras defaults. The ONNX input is
    NHWC, its batch dimension as tf2onnx declares it: symbolic (dynamic), ["unk__1", 32, 32, 3].
  * tf2onnx's output is not the same from run to run in the names it makes up and in the order of
    its initializers (see canonicalize()); the script renames those and sorts the initializers so the
    files are byte-identical on every run. Node order, ops, attributes and values are untouched.
  * Weights: keras.utils.set_random_seed(0), then every weight is overwritten from
    np.random.default_rng(0), in model.weights order: normal * 0.1 (kernels, biases, batchnorm gamma,
    beta and moving_mean), except batchnorm moving_variance, uniform in [0.5, 1.5]. Nothing is zero.
  * Input: element i of the flat NCHW tensor [1, 3, 32, 32] is float32(sin(0.1 * i)); that NCHW
    array is transposed to NHWC [1, 32, 32, 3] (np.transpose(x, (0, 2, 3, 1))) for the model. The
    Swift test builds the same CHW tensor.
  * NAME.json: "input" [C, H, W] = [3, 32, 32], "inputFormula", "inputLayout" "NHWC",
    "onnxInputName", "onnxInputDims" (as the file declares them; a string for a symbolic dim),
    "batchDynamic", "onnxOutputName", "onnxOutputDims", "opset", "irVersion", "kerasParams"
    (model.count_params()), "kerasTrainable", "kerasNonTrainable", "output" (ONNX Runtime's output
    for the input, flattened), "kerasOutput" (Keras's own model(x), flattened),
    "maxAbsDiffKerasOrt", "ops" (op types in node order).

Versions this was written with: tensorflow-cpu 2.21.0, keras 3.15.1, tf2onnx 1.17.0 (installed
with --no-deps; it imports and converts with the venv's protobuf 7.36.2 / onnx 1.23.2 / flatbuffers
25.12.19 as they are), onnxruntime 1.32.0. tf2onnx's command line on the SavedModel of
`model.export` works as is (signature "serving_default").

What tf2onnx 1.17 writes for these models at opset 13 (the description the script prints):
  * one Transpose perm [0,3,1,2] right after the NHWC input; the rest of the graph is NCHW;
  * Conv weights OIHW; padding "same" as explicit pads (auto_pad NOTSET), asymmetric for a stride-2
    "same" conv ([0,0,1,1]); ZeroPadding2D followed by a Conv is folded into the Conv's pads;
    DepthwiseConv2D is a Conv with group = channels, W [C,1,k,k];
  * BatchNormalization (inference) is Mul then Add by constants [1,C,1,1], never folded into the
    conv before it and never a BatchNormalization node;
  * LeakyReLU is LeakyRelu(alpha); MaxPooling2D/AveragePooling2D are MaxPool/AveragePool (a "same"
    pool gets explicit pads); Concatenate(axis -1) is Concat axis 1 (NCHW);
  * GlobalAveragePooling2D / GlobalMaxPooling2D are GlobalAveragePool / GlobalMaxPool then Squeeze
    with axes [2,3] as an input (Squeeze-13);
  * Flatten of a channels-last map is Transpose [0,2,3,1] back to NHWC, then Reshape whose shape
    is computed: Shape (of the NCHW map) -> Gather [0,2,3,1] -> Cast -> Slice [0:1] (the batch)
    -> Concat with [H*W*C] -> Cast -> Reshape;
  * Dense is MatMul by a constant [in, out] then Add of the bias [out]; a softmax activation is
    Softmax (axis -1, opset 13's default).
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402
from onnx import numpy_helper  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "onnx-tf2onnx")
GRAPHS = "/tmp/tf2onnx-graphs.txt"
OPSET = 13
MAX_BYTES = 300 * 1024


def small_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(32, 32, 3), name="input"),
            layers.Conv2D(8, 3, padding="same", activation="relu", name="conv1"),
            layers.BatchNormalization(name="bn1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.DepthwiseConv2D(3, padding="same", name="dw"),
            layers.Conv2D(16, 1, name="pw"),
            layers.LeakyReLU(negative_slope=0.1, name="leaky"),
            layers.AveragePooling2D(2, name="avg"),
            layers.Flatten(name="flatten"),
            layers.Dense(10, activation="softmax", name="predictions"),
        ],
        name="keras_small_cnn",
    )


def inception():
    x = keras.Input(shape=(32, 32, 3), name="input")
    b1 = layers.Conv2D(3, 1, name="branch1")(x)
    b2 = layers.Conv2D(4, 1, name="branch2_reduce")(x)
    b2 = layers.Conv2D(6, 3, padding="same", name="branch2")(b2)
    b3 = layers.Conv2D(2, 1, name="branch3_reduce")(x)
    b3 = layers.Conv2D(4, 5, padding="same", name="branch3")(b3)
    b4 = layers.MaxPooling2D(3, strides=1, padding="same", name="branch4_pool")(x)
    b4 = layers.Conv2D(5, 1, name="branch4")(b4)
    y = layers.Concatenate(axis=-1, name="concat")([b1, b2, b3, b4])
    y = layers.GlobalAveragePooling2D(name="gap")(y)
    y = layers.Dense(10, name="fc")(y)
    return keras.Model(x, y, name="keras_inception")


def residual():
    x = keras.Input(shape=(32, 32, 3), name="input")
    y = layers.Conv2D(16, 3, strides=2, padding="same", name="stem")(x)
    y = layers.BatchNormalization(name="stem_bn")(y)
    block_in = layers.ReLU(name="stem_relu")(y)
    y = layers.Conv2D(16, 3, padding="same", name="block_conv1")(block_in)
    y = layers.BatchNormalization(name="block_bn1")(y)
    y = layers.ReLU(name="block_relu1")(y)
    y = layers.Conv2D(16, 3, padding="same", name="block_conv2")(y)
    y = layers.BatchNormalization(name="block_bn2")(y)
    y = layers.Add(name="block_add")([y, block_in])
    y = layers.ReLU(name="block_relu2")(y)
    y = layers.ZeroPadding2D(1, name="pad")(y)
    y = layers.Conv2D(16, 3, name="conv")(y)
    y = layers.GlobalMaxPooling2D(name="gmp")(y)
    y = layers.Dense(5, name="fc")(y)
    return keras.Model(x, y, name="keras_residual")


def set_weights(model):
    rng = np.random.default_rng(0)
    for w in model.weights:
        shape = tuple(w.shape)
        if w.path.endswith("moving_variance"):
            value = rng.uniform(0.5, 1.5, shape)
        else:
            value = rng.standard_normal(shape) * 0.1
        w.assign(value.astype(np.float32))


def sample_input():
    nchw = np.sin(0.1 * np.arange(3 * 32 * 32, dtype=np.float64)).astype(np.float32).reshape(1, 3, 32, 32)
    return np.ascontiguousarray(np.transpose(nchw, (0, 2, 3, 1)))


def convert(model, path):
    # tf2onnx writes "converted from SAVED_MODEL_PATH" into the graph's doc_string: run it in the
    # temporary folder on a relative path so the file does not change from one run to the next.
    with tempfile.TemporaryDirectory() as folder:
        saved = model.name + "_saved_model"
        model.export(os.path.join(folder, saved), verbose=False)
        cmd = [sys.executable, "-m", "tf2onnx.convert", "--saved-model", saved, "--output", os.path.abspath(path),
               "--opset", str(OPSET)]
        run = subprocess.run(cmd, capture_output=True, text=True, cwd=folder)
        if run.returncode != 0:
            sys.stderr.write(run.stdout + run.stderr)
            raise SystemExit(f"tf2onnx failed for {path}")


GENERATED = re.compile(r"__(\d+)")
MADE = re.compile(r"^[A-Za-z_]+?(__\d+)$")


def canonicalize(model):
    """tf2onnx numbers the names it makes (Transpose__47, const_fold_opt__59, the batch dim's
    unk__60, ...) from one counter, in an order that changes from run to run (even on the same
    SavedModel with PYTHONHASHSEED fixed), and orders the initializers it folds the same way.
    It also merges equal constants under either name (Slice's starts [0] and axes [0] become one
    initializer named const_starts__N or const_axes__N, run to run). So: the initializers it names
    itself (no "/" in the name) are renamed const__N; those names are renumbered 1, 2, ... in order
    of first appearance (graph inputs, then nodes in order); the initializers are put in order of
    first use. Nothing else changes: node order, ops, attributes and values are as tf2onnx writes them."""
    g = model.graph
    own = {t.name: MADE.sub(r"const\1", t.name) for t in g.initializer if "/" not in t.name and MADE.match(t.name)}
    for n in g.node:
        n.input[:] = [own.get(t, t) for t in n.input]
    for t in g.initializer:
        t.name = own.get(t.name, t.name)
    numbers = {}

    def seen(text):
        for m in GENERATED.finditer(text):
            numbers.setdefault(m.group(1), str(len(numbers) + 1))

    def fix(text):
        return GENERATED.sub(lambda m: "__" + numbers[m.group(1)], text)

    def value_infos():
        return list(g.input) + list(g.output) + list(g.value_info)

    for v in g.input:
        seen(v.name)
        for d in v.type.tensor_type.shape.dim:
            seen(d.dim_param)
    for n in g.node:
        for t in list(n.input) + [n.name] + list(n.output):
            seen(t)
    for v in list(g.output) + list(g.value_info):
        seen(v.name)
        for d in v.type.tensor_type.shape.dim:
            seen(d.dim_param)
    for t in g.initializer:
        seen(t.name)
    for v in value_infos():
        v.name = fix(v.name)
        for d in v.type.tensor_type.shape.dim:
            if d.HasField("dim_param"):
                d.dim_param = fix(d.dim_param)
    for n in g.node:
        n.name = fix(n.name)
        n.input[:] = [fix(t) for t in n.input]
        n.output[:] = [fix(t) for t in n.output]
    first_use = {}
    for i, n in enumerate(g.node):
        for t in n.input:
            first_use.setdefault(t, i)
    inits = []
    for t in g.initializer:
        c = onnx.TensorProto()
        c.CopyFrom(t)
        c.name = fix(c.name)
        inits.append(c)
    inits.sort(key=lambda t: (first_use.get(t.name, len(g.node)), t.name))
    del g.initializer[:]
    g.initializer.extend(inits)


def dims(value_info):
    return [d.dim_param if d.HasField("dim_param") else d.dim_value if d.HasField("dim_value") else None
            for d in value_info.type.tensor_type.shape.dim]


def describe(model):
    g = model.graph
    consts = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    producers, names = {}, {}
    for n in g.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    consts[n.output[0]] = numpy_helper.to_array(a.t)
        for o in n.output:
            producers[o] = n.op_type
            names[o] = n.name

    def attrs(n):
        return {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}

    def fmt(v):
        if isinstance(v, bytes):
            return v.decode()
        if isinstance(v, list):
            return "[" + ",".join(fmt(x) for x in v) + "]"
        if isinstance(v, float):
            return f"{v:g}"
        return str(v)

    def operand(name, with_names=False):
        if name in consts:
            c = consts[name]
            return f"const{list(c.shape)}" if c.size > 8 else f"const{list(c.shape)}={c.ravel().tolist()}"
        if name in producers:
            return f"tensor(from {producers[name]} {names[name]!r})" if with_names else f"tensor(from {producers[name]})"
        return "graph input"

    lines = [f"opset {model.opset_import[0].version} (ir {model.ir_version}, producer {model.producer_name} "
             f"{model.producer_version})"]
    for i in g.input:
        if i.name not in consts:
            lines.append(f"input  {i.name} {dims(i)}")
    for o in g.output:
        lines.append(f"output {o.name} {dims(o)}")
    for n in g.node:
        a = attrs(n)
        op = n.op_type
        if op == "Constant":
            continue
        if op == "Transpose":
            d = f"perm={a.get('perm')}"
        elif op == "Reshape":
            s = n.input[1]
            d = f"shape={consts[s].tolist()}" if s in consts else f"shape computed by {producers.get(s)}"
        elif op == "Conv":
            w = consts.get(n.input[1])
            d = (f"{n.name!r} W{list(w.shape) if w is not None else '?'} bias={len(n.input) > 2} group={a.get('group', 1)} "
                 f"pads={a.get('pads')} auto_pad={fmt(a.get('auto_pad', b'NOTSET'))} strides={a.get('strides')} "
                 f"dilations={a.get('dilations')}")
        elif op in ("MatMul", "Gemm"):
            ins = [operand(x) for x in n.input]
            d = " ".join(ins) + "".join(f" {k}={fmt(v)}" for k, v in sorted(a.items()))
        elif op in ("Mul", "Add", "Sub", "Div"):
            both = not any(x in consts for x in n.input)
            d = f"{operand(n.input[0], both)} {op.lower()} {operand(n.input[1], both)}"
        elif op.startswith("Reduce"):
            axes = a.get("axes")
            if axes is None and len(n.input) > 1:
                axes = consts[n.input[1]].tolist() if n.input[1] in consts else "computed"
            d = f"axes={axes} keepdims={a.get('keepdims', 1)}"
        else:
            d = " ".join(f"{k}={fmt(v)}" for k, v in sorted(a.items()))
            shown = n.input if op in ("Concat", "Shape") else n.input[1:]
            extra = [operand(x, op == "Concat") for x in shown if x]
            if extra:
                d = (d + " " if d else "") + "inputs: " + ", ".join(extra)
        lines.append(f"  {op}" + (f"  {d}" if d else ""))
    return lines


def write(model, graphs):
    name = model.name
    set_weights(model)
    x = sample_input()
    keras_out = np.asarray(model(x, training=False)).astype(np.float32)
    path = os.path.join(OUT, name + ".onnx")
    convert(model, path)
    m = onnx.load(path)
    canonicalize(m)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    size = os.path.getsize(path)
    assert size < MAX_BYTES, (name, size)
    real_inputs = [i for i in m.graph.input if i.name not in {t.name for t in m.graph.initializer}]
    assert len(real_inputs) == 1 and len(m.graph.output) == 1
    in_dims, out_dims = dims(real_inputs[0]), dims(m.graph.output[0])
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    ort_out = sess.run(None, {real_inputs[0].name: x})[0]
    diff = float(np.max(np.abs(ort_out.astype(np.float64) - keras_out.astype(np.float64))))
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    entry = {
        "input": [3, 32, 32],
        "inputFormula": "float32(sin(0.1*i)) over the flat NCHW [1,3,32,32] tensor, transposed to NHWC",
        "inputLayout": "NHWC",
        "onnxInputName": real_inputs[0].name,
        "onnxInputDims": in_dims,
        "batchDynamic": not isinstance(in_dims[0], int) or in_dims[0] == 0,
        "onnxOutputName": m.graph.output[0].name,
        "onnxOutputDims": out_dims,
        "opset": m.opset_import[0].version,
        "irVersion": m.ir_version,
        "kerasParams": int(model.count_params()),
        "kerasTrainable": trainable,
        "kerasNonTrainable": non_trainable,
        "output": [float(v) for v in ort_out.ravel()],
        "kerasOutput": [float(v) for v in keras_out.ravel()],
        "maxAbsDiffKerasOrt": diff,
        "ops": [n.op_type for n in m.graph.node],
    }
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(entry, f, indent=1)
        f.write("\n")
    sha = hashlib.sha256(open(path, "rb").read()).hexdigest()[:12]
    head = (f"== {name}.onnx  {size} bytes  sha256 {sha}  params {entry['kerasParams']} "
            f"({trainable} trainable, {non_trainable} non-trainable)  max|keras-ort| {diff:.3g}")
    lines = [head] + describe(m)
    print("\n".join(lines), flush=True)
    graphs.extend(lines + [""])


def main():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(0)
    graphs = []
    for build in (small_cnn, inception, residual):
        write(build(), graphs)
    with open(GRAPHS, "w") as f:
        f.write("\n".join(graphs))


if __name__ == "__main__":
    main()
