"""cnn-tui's training against PyTorch eager: images per second over one epoch (the training
images only, as `cnn-tui train` counts them; its test pass is not timed), same architecture,
batch size, optimizer (Adam, learning rate 0.001), one thread, the same images in the same
shapes. Run through Benchmarks/training.sh, which builds cnn-tui in release mode and unsets
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE.

- lenet5 on the bundled MNIST digits (4,000 training images), padded to 32x32 as LeNet-5 takes them.
- resnet18_cifar on 512 random 32x32 colour images written as a CIFAR-10 folder (speed does not
  depend on what the pixels show; a real CIFAR-10 download is not needed).

PyTorch's figure is the median of ROUNDS epochs after a warm-up batch; cnn-tui's the median of
ROUNDS runs of `train --epochs 1`.
"""
import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

from benchmark_support import BIN, ROOT, measured_env, reference

ROUNDS = 3
BATCH = 32



def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist():
    images = idx(os.path.join(ROOT, "Assets", "mnist", "train-images-idx3-ubyte.gz")).astype(np.float32) / 255
    labels = idx(os.path.join(ROOT, "Assets", "mnist", "train-labels-idx1-ubyte.gz")).astype(np.int64)
    padded = np.zeros((len(images), 1, 32, 32), dtype=np.float32)
    padded[:, 0, 2:30, 2:30] = images
    return torch.from_numpy(padded), torch.from_numpy(labels), None


def random_cifar(folder, train=512, test=64):
    rng = np.random.default_rng(0)
    def write(name, count):
        labels = rng.integers(0, 10, count, dtype=np.uint8)
        pixels = rng.integers(0, 256, (count, 3072), dtype=np.uint8)
        with open(os.path.join(folder, name), "wb") as f:
            f.write(np.concatenate([labels[:, None], pixels], axis=1).tobytes())
        return pixels, labels
    pixels, labels = write("data_batch_1.bin", train)
    write("test_batch.bin", test)
    images = torch.from_numpy(pixels.reshape(train, 3, 32, 32).astype(np.float32) / 255)
    return images, torch.from_numpy(labels.astype(np.int64)), folder


def pytorch_images_per_second(model, images, labels):
    torch.manual_seed(0)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()

    def step(x, y):
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    step(images[:BATCH], labels[:BATCH])  # warm-up
    rates = []
    for _ in range(ROUNDS):
        order = torch.randperm(len(images))
        start = time.perf_counter()
        for i in range(0, len(images), BATCH):
            batch = order[i:i + BATCH]
            step(images[batch], labels[batch])
        rates.append(len(images) / (time.perf_counter() - start))
    return statistics.median(rates)


def cnn_tui_images_per_second(name, folder, out):
    args = [BIN, "train", name, "--epochs", "1", "--batch", str(BATCH), "--threads", "1", "--out", out]
    if folder:
        args += ["--data", folder]
    rates = []
    for _ in range(ROUNDS):
        run = subprocess.run(args, env=measured_env(), capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"{name}: cnn-tui train failed: {run.stderr.strip()}")
        match = re.search(r"^epoch 1/1 .* ([0-9,]+) img/s", run.stdout, re.M)
        rates.append(float(match.group(1).replace(",", "")))
    return statistics.median(rates)


def main():
    torch.set_num_threads(1)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
    timing = subprocess.run([BIN, "run", "lenet5"], env=measured_env(), capture_output=True, text=True).stdout
    kernels = re.search(r"; (OpenBLAS .+)\)\s*$", timing, re.M).group(1)
    print(f"CPU: {cpu}; torch {torch.__version__}; one thread, batch {BATCH}, Adam; median of {ROUNDS} epochs")
    print(f"Kernels: {kernels}")
    print()
    print(f"{'model':16}{'images':>8}{'cnn-tui img/s':>15}{'PyTorch img/s':>15}{'cnn-tui/PyTorch':>17}")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "weights.safetensors")
        for name, make, data in [("lenet5", reference.LeNet5, lambda: mnist()),
                                 ("resnet18_cifar", reference.resnet18_cifar, lambda: random_cifar(tmp))]:
            images, labels, folder = data()
            torch.manual_seed(0)
            theirs = pytorch_images_per_second(make(), images, labels)
            ours = cnn_tui_images_per_second(name, folder, out)
            print(f"{name:16}{len(images):8}{ours:15.0f}{theirs:15.0f}{ours / theirs:17.2f}")


if __name__ == "__main__":
    main()
