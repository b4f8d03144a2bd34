"""Writes Keras architecture files for the Keras reader's tests: Tests/Fixtures/keras/NAME.json
(`model.to_json()`), NAME.keras (a `.keras` archive), and NAME.summary.json, what Keras's own
`model.summary()` says of the model, read from the model object: per layer its name, class,
output shape (without the batch, channels last as Keras writes it) and parameter count, and the
trainable and non-trainable totals.

Run with the reference virtualenv's python (Scripts/setup-reference-env.sh), on the torch backend:
    KERAS_BACKEND=torch ~/.venvs/cnn-tui-ref/bin/python Scripts/make-keras-fixtures.py [NAME ...]

A `.keras` file whose weights would make it larger than 1 MB (VGG16's are 528 MB) is written
architecture-only: a zip of its `config.json` and `metadata.json`, as `model.save` writes them,
without `model.weights.h5`. Small models are saved whole with `model.save`.
"""

import json
import os
import sys
import tempfile
import zipfile

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras  # noqa: E402
from keras import layers  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "keras")
MAX_FULL_KERAS = 1 << 20


def small_cnn():
    """A Sequential CNN with every layer class the reader maps one to one, and a separable conv."""
    return keras.Sequential(
        [
            keras.Input(shape=(32, 32, 3)),
            layers.Conv2D(8, 3, padding="same", activation="relu", name="conv1"),
            layers.BatchNormalization(name="bn1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.ZeroPadding2D(((1, 0), (0, 1)), name="pad"),
            layers.SeparableConv2D(16, 3, strides=2, name="sep"),
            layers.Activation("tanh", name="tanh"),
            layers.AveragePooling2D(2, padding="same", name="avg"),
            layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", use_bias=False, name="dw"),
            layers.ReLU(max_value=6.0, name="relu6"),
            layers.Flatten(name="flatten"),
            layers.Dropout(0.5, name="dropout"),
            layers.Dense(10, activation="softmax", name="predictions"),
        ],
        name="small_cnn",
    )


def inception_naive():
    """The naive Inception module of the course notes on a 32x32x3 input, its "5x5" branch
    written as a 3x3: 12 + 84 + 84 parameters, 180 as Keras prints them."""
    x = keras.Input(shape=(32, 32, 3), name="input")
    b1 = layers.Conv2D(3, 1, padding="same", activation="relu", name="branch1")(x)
    b2 = layers.Conv2D(3, 3, padding="same", activation="relu", name="branch2")(x)
    b3 = layers.Conv2D(3, 3, padding="same", activation="relu", name="branch3")(x)
    b4 = layers.MaxPooling2D(3, strides=1, padding="same", name="branch4")(x)
    y = layers.Concatenate(name="concat")([b1, b2, b3, b4])
    return keras.Model(x, y, name="inception_naive")


def inception_reduced():
    """The zoo's Inception module with 1x1 reductions (to 2 channels before the 3x3 and the
    "5x5"), the "5x5" written as a 3x3 as in the naive module: 12 + 65 + 65 + 12 = 154."""
    x = keras.Input(shape=(32, 32, 3), name="input")
    b1 = layers.Conv2D(3, 1, activation="relu", name="branch1")(x)
    b2 = layers.Conv2D(2, 1, activation="relu", name="branch2_reduce")(x)
    b2 = layers.Conv2D(3, 3, padding="same", activation="relu", name="branch2")(b2)
    b3 = layers.Conv2D(2, 1, activation="relu", name="branch3_reduce")(x)
    b3 = layers.Conv2D(3, 3, padding="same", activation="relu", name="branch3")(b3)
    b4 = layers.MaxPooling2D(3, strides=1, padding="same", name="branch4_pool")(x)
    b4 = layers.Conv2D(3, 1, activation="relu", name="branch4")(b4)
    y = layers.Concatenate(name="concat")([b1, b2, b3, b4])
    return keras.Model(x, y, name="inception_reduced")


def leaky_cnn():
    """LeakyReLU as a layer (negative_slope 0.1), as an activation name (leaky_relu: Keras 3's
    default slope 0.2) and as ReLU(negative_slope=0.05); a squeeze-and-excitation block with
    Reshape((1, 1, C)) and Multiply; a global max pool."""
    x = keras.Input(shape=(28, 28, 1), name="input")
    y = layers.Conv2D(8, 3, activation="leaky_relu", name="conv1")(x)
    y = layers.Conv2D(16, 3, strides=2, name="conv2")(y)
    y = layers.LeakyReLU(negative_slope=0.1, name="leaky")(y)
    y = layers.Conv2D(16, 3, padding="same", name="conv3")(y)
    y = layers.ReLU(negative_slope=0.05, name="relu_slope")(y)
    se = layers.GlobalAveragePooling2D(name="se_pool")(y)
    se = layers.Reshape((1, 1, 16), name="se_reshape")(se)
    se = layers.Conv2D(4, 1, activation="relu", name="se_reduce")(se)
    se = layers.Conv2D(16, 1, activation="sigmoid", name="se_expand")(se)
    y = layers.Multiply(name="se_scale")([y, se])
    y = layers.GlobalMaxPooling2D(name="gmp")(y)
    y = layers.Dense(10, name="logits")(y)
    return keras.Model(x, y, name="leaky_cnn")


def summary(model):
    rows = []
    for layer in model.layers:
        shape = layer.output.shape
        rows.append(
            {
                "name": layer.name,
                "class": layer.__class__.__name__,
                "output_shape": [int(d) for d in shape[1:]],
                "params": int(layer.count_params()),
            }
        )
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    return {
        "name": model.name,
        "class": model.__class__.__name__,
        "layers": rows,
        "trainable": trainable,
        "non_trainable": non_trainable,
        "total": int(model.count_params()),
    }


def save_keras(model, path):
    params = model.count_params()
    if params * 4 < MAX_FULL_KERAS:
        model.save(path)
        return "full"
    with tempfile.TemporaryDirectory() as folder:
        full = os.path.join(folder, "model.keras")
        # An empty model of the same architecture saves quickly enough; keep only its
        # config.json and metadata.json.
        model.save(full)
        with zipfile.ZipFile(full) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for name in ("metadata.json", "config.json"):
                target.writestr(name, source.read(name))
    return "architecture only"


def write(name, model, keras_file=True):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        f.write(model.to_json())
    if keras_file:
        kind = save_keras(model, os.path.join(OUT, name + ".keras"))
    else:
        kind = "none"
    info = summary(model)
    with open(os.path.join(OUT, name + ".summary.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    print(f"{name}: {info['total']:,} ({info['trainable']:,} trainable, {info['non_trainable']:,} non-trainable); .keras {kind}")


def main():
    """Writes every fixture, or those named on the command line."""
    os.makedirs(OUT, exist_ok=True)
    only = set(sys.argv[1:])

    def wanted(name):
        return not only or name in only

    if wanted("vgg16"):
        vgg16 = keras.applications.VGG16(weights=None)
        assert vgg16.count_params() == 138_357_544, vgg16.count_params()
        write("vgg16", vgg16)
    if wanted("mobilenet_v2_035"):
        write("mobilenet_v2_035", keras.applications.MobileNetV2(weights=None, alpha=0.35), keras_file=False)
    if wanted("inception_naive"):
        naive = inception_naive()
        assert naive.count_params() == 180, naive.count_params()
        write("inception_naive", naive, keras_file=False)
    if wanted("inception_reduced"):
        write("inception_reduced", inception_reduced(), keras_file=False)
    if wanted("small_cnn"):
        write("small_cnn", small_cnn())
    if wanted("leaky_cnn"):
        write("leaky_cnn", leaky_cnn(), keras_file=False)


if __name__ == "__main__":
    main()
