#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus, Fuzz/Corpus/READER/, small valid files of each format:
cut from the bundled data sets and test fixtures, made by hand, or (model files) written by
`cnn-tui export` (build first: swift build). Standard library only. Run from the repository root:
    python3 Scripts/make-fuzz-seeds.py
"""
import gzip
import json
import os
import shutil
import struct
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fuzz", "Corpus")


def write(reader, name, data):
    folder = os.path.join(OUT, reader)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def safetensors(tensors, metadata=None):
    header, body = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(body), len(body) + len(raw)]}
        body += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + body


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    # safetensors: F32, F16, BF16, F64 and an integer buffer, with metadata.
    write("safetensors", "f32.safetensors", safetensors(
        {"w": ("F32", [2, 3], struct.pack("<6f", 1, -2, 3.5, 0, 1e-8, -7)), "b": ("F32", [1], struct.pack("<f", 9))},
        {"format": "pt"}))
    write("safetensors", "mixed.safetensors", safetensors({
        "h": ("F16", [2], struct.pack("<2H", 0x3C00, 0xC000)), "g": ("BF16", [1], struct.pack("<H", 0xC000)),
        "d": ("F64", [1, 1], struct.pack("<d", 0.5)), "n": ("I64", [], struct.pack("<q", 3))}))
    # IDX: four MNIST digits and their labels, plain and gzip.
    with gzip.open(os.path.join(ROOT, "Assets/mnist/t10k-images-idx3-ubyte.gz")) as f:
        images = f.read()
    with gzip.open(os.path.join(ROOT, "Assets/mnist/t10k-labels-idx1-ubyte.gz")) as f:
        labels = f.read()
    four = struct.pack(">BBBBIII", 0, 0, 8, 3, 4, 28, 28) + images[16:16 + 4 * 784]
    write("idx", "images4", four)
    write("idx", "images4.gz", gzip.compress(four, mtime=0))
    write("idx", "labels4", struct.pack(">BBBBI", 0, 0, 8, 1, 4) + labels[8:12])
    write("idx", "tiny3d", struct.pack(">BBBBIII", 0, 0, 8, 3, 1, 2, 2) + bytes([0, 64, 128, 255]))
    # CIFAR: two CIFAR-10 records, one CIFAR-100 record.
    with open(os.path.join(ROOT, "Assets/cifar10/test_batch.bin"), "rb") as f:
        write("cifar", "cifar10-2", f.read(2 * 3073))
    with open(os.path.join(ROOT, "Assets/cifar100/test.bin"), "rb") as f:
        write("cifar", "cifar100-1", f.read(3074))
    # PNG: the reader's fixtures (gray, 16-bit, RGB, RGBA, palette), a few hundred bytes each.
    for name in sorted(os.listdir(os.path.join(ROOT, "Tests/Fixtures/png"))):
        if name.endswith(".png"):
            with open(os.path.join(ROOT, "Tests/Fixtures/png", name), "rb") as f:
                write("png", name, f.read())
    # PGM/PPM: binary and text, 8 and 16 bits, with a comment.
    write("pnm", "gray.pgm", b"P5\n# a comment\n4 3\n255\n" + bytes(range(0, 240, 20)))
    write("pnm", "colour.ppm", b"P6 2 2 255\n" + bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]))
    write("pnm", "wide.pgm", b"P5 2 1 65535\n" + struct.pack(">2H", 0, 65535))
    write("pnm", "text.pgm", b"P2\n3 2\n15\n0 5 10\n15 7 1\n")
    write("pnm", "text.ppm", b"P3 1 2 255\n255 0 0\n0 0 255\n")
    # ONNX: the importer's small fixtures (a tiny CNN from each exporter, a tf2onnx Inception block).
    for name in ["onnx/tiny-cnn-opset13.onnx", "onnx/tiny-cnn-opset13-unfolded.onnx", "onnx/tiny-cnn-dynamo.onnx",
                 "onnx/tiny-cnn-dynamo-unoptimized.onnx", "onnx-tf2onnx/keras_inception.onnx"]:
        with open(os.path.join(ROOT, "Tests/Fixtures", name), "rb") as f:
            write("onnx", os.path.basename(name), f.read())
    # Keras: two architectures of the importer's fixtures.
    for name in ["inception_naive.json", "leaky_cnn.json"]:
        with open(os.path.join(ROOT, "Tests/Fixtures/keras", name), "rb") as f:
            write("keras", name, f.read())
    # Model files: zoo models as `cnn-tui export` writes them.
    binary = os.path.join(ROOT, ".build/debug/cnn-tui")
    for model in ["lenet5", "nin", "resnet18", "googlenet"]:
        text = subprocess.run([binary, "export", model], check=True, capture_output=True).stdout
        write("modeltext", model + ".cnn", text)
    for reader in sorted(os.listdir(OUT)):
        files = os.listdir(os.path.join(OUT, reader))
        size = sum(os.path.getsize(os.path.join(OUT, reader, f)) for f in files)
        print(f"{reader:12} {len(files):2} files {size:7} bytes")


if __name__ == "__main__":
    main()
