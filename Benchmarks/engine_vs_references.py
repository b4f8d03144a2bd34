"""Engine against ONNX Runtime and PyTorch eager: batch-1 forward passes, single-threaded, median
of repeated runs, same architectures and weights. Run through Benchmarks/engine.sh, which builds
cnn-tui in release mode and unsets OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for the measured commands.

Each time is the median of ROUNDS rounds that time PyTorch, ONNX Runtime and the engine in turn
(each round itself a median of repeated passes after a warm-up), so that a shared machine's drift
in speed falls on all three alike.

For each model: the weights are random (PyTorch's own initialization, batchnorm statistics
randomized), saved as safetensors with the state_dict names and loaded by `cnn-tui run --weights`;
the model is exported to ONNX for ONNX Runtime. The engine's output is checked against PyTorch's.

A second table: the engine on one thread and on two (`--threads 2`), timed in the same rounds.
Each ratio is the median of the rounds' own ratios (times measured minutes apart on a shared
machine are not compared).
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort
import torch
from safetensors.torch import load_file, save_file
from torchvision import models

from benchmark_support import BIN, measured_env, reference

ROUNDS = 5

CASES = [
    ("lenet5", reference.LeNet5, (1, 32, 32), 200),
    ("resnet18_cifar", reference.resnet18_cifar, (3, 32, 32), 30),
    ("resnet50", lambda: models.resnet50(weights=None), (3, 224, 224), 10),
    ("vgg16", lambda: models.vgg16(weights=None), (3, 224, 224), 7),
    ("mobilenet_v2", lambda: models.mobilenet_v2(weights=None), (3, 224, 224), 20),
    ("efficientnet_b0", lambda: models.efficientnet_b0(weights=None), (3, 224, 224), 20),
]


def median_seconds(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine_ceiling(rounds=3):
    """Medians of one pass of resnet50 on one thread, alone and with a second copy running at once."""
    args = [BIN, "run", "resnet50", "--threads", "1", "--repeat", "10"]

    def seconds(output):
        return float(re.search(r"forward pass: ([0-9.]+) ms", output).group(1)) / 1e3

    alone, together = [], []
    for _ in range(rounds):
        alone.append(seconds(subprocess.run(args, env=measured_env(), capture_output=True, text=True).stdout))
        pair = [subprocess.Popen(args, env=measured_env(), stdout=subprocess.PIPE, text=True) for _ in range(2)]
        together.extend(seconds(p.communicate()[0]) for p in pair)
    return statistics.median(alone), statistics.median(together)


def main():
    # `engine.sh MODEL ...` times only those models (and skips the machine's ceiling and VGG-16's memory).
    chosen = sys.argv[1:]
    unknown = [name for name in chosen if name not in {case[0] for case in CASES}]
    if unknown:
        sys.exit(f"unknown model(s): {', '.join(unknown)}; choose from {', '.join(case[0] for case in CASES)}")
    cases = [case for case in CASES if not chosen or case[0] in chosen]
    torch.set_num_threads(1)
    torch.set_grad_enabled(False)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
    print(f"CPU: {cpu}; torch {torch.__version__}, onnxruntime {ort.__version__}; single-threaded, batch 1; "
          f"median of {ROUNDS} interleaved rounds, each a median of repeated passes")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, shape, repeat in cases:
            torch.manual_seed(0)
            model = make().eval()
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.1, 0.1)
                    m.running_var.uniform_(0.9, 1.1)
            x = torch.randn(1, *shape)
            weights = os.path.join(tmp, f"{name}.safetensors")
            save_file({k: v.contiguous() for k, v in model.state_dict().items()}, weights)
            tensor = os.path.join(tmp, f"{name}-input.safetensors")
            save_file({"input": x.contiguous()}, tensor)
            onnx_path = os.path.join(tmp, f"{name}.onnx")
            torch.onnx.export(model, x, onnx_path, input_names=["input"], output_names=["output"], opset_version=17, dynamo=False)

            expected = model(x)
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
            feed = {"input": x.numpy()}

            out = os.path.join(tmp, f"{name}-out.safetensors")
            args = [BIN, "run", name, "--weights", weights, "--tensor", tensor, "--threads", "1"]
            check = subprocess.run(args + ["--output", out], env=measured_env(), capture_output=True, text=True)
            if check.returncode != 0:
                sys.exit(f"{name}: cnn-tui run failed: {check.stderr.strip()}")
            ours = load_file(out)["output"]
            error = ((ours - expected).abs().max() / expected.abs().max()).item()

            def engine_seconds(threads=1):
                timed = subprocess.run(
                    args[:-1] + [str(threads), "--repeat", str(repeat)], env=measured_env(), capture_output=True, text=True)
                match = re.search(r"forward pass: ([0-9.]+) ms \(median of \d+; (.+)\)\s*$", timed.stdout, re.M)
                return float(match.group(1)) / 1e3, match.group(2)

            # A shared machine's speed drifts over minutes: the three are timed in turn, ROUNDS
            # times, and each keeps the median of its rounds, so every ratio compares like with like.
            torch_times, ort_times, engine_times, two_thread_times = [], [], [], []
            for _ in range(ROUNDS):
                torch_times.append(median_seconds(lambda: model(x), repeat))
                ort_times.append(median_seconds(lambda: session.run(None, feed), repeat))
                seconds, core = engine_seconds()
                engine_times.append(seconds)
                two_thread_times.append(engine_seconds(threads=2)[0])
            med = statistics.median
            # Each ratio is the median of the rounds' own ratios: a busy spell of the host that
            # falls on one round changes that round's times together, not one side of a ratio.
            ratios = (
                med(e / o for e, o in zip(engine_times, ort_times)),
                med(e / t for e, t in zip(engine_times, torch_times)),
                med(e / e2 for e, e2 in zip(engine_times, two_thread_times)),
            )
            rows.append((name, med(engine_times), med(ort_times), med(torch_times), error, core, med(two_thread_times), ratios))

    print(f"Kernels: {rows[0][5]}")
    print("Times: medians of the rounds; ratios: medians of the rounds' own ratios")
    print()
    print(f"{'model':16}{'engine':>12}{'ORT':>12}{'PyTorch':>12}{'engine/ORT':>12}{'engine/PyTorch':>16}{'max rel. diff':>15}")
    for name, e, o, t, err, _, _, (to_ort, to_torch, _) in rows:
        print(f"{name:16}{e * 1e3:10.3f}ms{o * 1e3:10.3f}ms{t * 1e3:10.3f}ms{to_ort:12.2f}{to_torch:16.2f}{err:15.1e}")
    print()
    print(f"{'model':16}{'1 thread':>12}{'2 threads':>12}{'speed-up':>10}")
    for name, e, _, _, _, _, e2, (_, _, speed_up) in rows:
        print(f"{name:16}{e * 1e3:10.3f}ms{e2 * 1e3:10.3f}ms{speed_up:10.2f}")
    if chosen:
        return
    alone, together = machine_ceiling()
    print(f"what two cores give here: two `cnn-tui run resnet50 --threads 1` at once took {together * 1e3:.1f} ms a pass "
          f"against {alone * 1e3:.1f} ms alone, {2 * alone / together:.2f}x the work per second (a shared or virtual "
          "machine's ceiling for any 2-thread speed-up)")

    rss = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, "run", "vgg16"], env=measured_env(), capture_output=True, text=True)
    print()
    print(f"peak RSS of `cnn-tui run vgg16`: {int(rss.stderr.strip().splitlines()[-1]) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
