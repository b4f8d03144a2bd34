"""Writes the PyTorch references the engine's forward pass is tested against.

For each case it builds the model in PyTorch (torchvision, or the hand-written modules of
make-reference-fixtures.py), fills every parameter and batchnorm statistic with the same
deterministic values cnn-tui's `Weights.randomized(analysis, seed:)` generates (SplitMix64 seeded by
the seed XOR the FNV-1a hash of the tensor's name, Box-Muller normals), feeds the same generated
input, and stores the output. Only the outputs are committed, so the fixtures stay small:
Tests/Fixtures/engine/<case>.safetensors with tensors `output` and `input_head` (the first 16
input values, to check the generator port).

    ~/.venvs/cnn-tui-ref/bin/python Scripts/make-engine-fixtures.py
"""
import importlib.util
import os

import numpy as np
import torch
from safetensors.torch import save_file
from torchvision import models

OUT = os.path.join("Tests", "Fixtures", "engine")
SEED = 2024
MASK = (1 << 64) - 1

_spec = importlib.util.spec_from_file_location(
    "reference_models", os.path.join(os.path.dirname(__file__), "make-reference-fixtures.py"))
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)


def fnv1a(text):
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h ^= byte
        h = (h * 0x100000001B3) & MASK
    return h


def normals(seed, count):
    """cnn-tui's NormalGenerator: uniforms from SplitMix64, pairs through Box-Muller, cos first."""
    pairs = (count + 1) // 2
    with np.errstate(over="ignore"):
        steps = np.arange(1, 2 * pairs + 1, dtype=np.uint64)
        z = (np.uint64(seed) + steps * np.uint64(0x9E3779B97F4A7C15))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = ((z >> np.uint64(11)).astype(np.float64) + 0.5) / 9007199254740992.0
    r = np.sqrt(-2.0 * np.log(u[0::2]))
    theta = 2.0 * np.pi * u[1::2]
    out = np.empty(2 * pairs, dtype=np.float32)
    out[0::2] = (r * np.cos(theta)).astype(np.float32)
    out[1::2] = (r * np.sin(theta)).astype(np.float32)
    return out[:count]


def randomized(model, seed):
    """The tensors of Weights.randomized, by state_dict name."""
    modules = dict(model.named_modules())
    state = {}
    for name, tensor in model.state_dict().items():
        if name.endswith("num_batches_tracked"):
            continue
        module = modules[name.rsplit(".", 1)[0]]
        role = name.rsplit(".", 1)[1]
        z = normals(seed ^ fnv1a(name), tensor.numel())
        is_bn = isinstance(module, torch.nn.modules.batchnorm._BatchNorm)
        if role == "weight" and not is_bn:
            fan_in = int(np.prod(tensor.shape[1:])) if tensor.dim() > 1 else 1
            std = np.float32(np.sqrt(2.0 / max(fan_in, 1)))
            values = std * z
        elif role == "weight":
            values = np.float32(1) + np.float32(0.1) * z
        elif role == "running_var":
            values = np.float32(1) + np.float32(0.1) * np.abs(z)
        else:
            values = np.float32(0.1) * z
        state[name] = torch.from_numpy(values.astype(np.float32).reshape(tuple(tensor.shape)))
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
    return model


CASES = [
    # case, model constructor, input C,H,W
    ("lenet5", reference.LeNet5, (1, 32, 32)),
    ("alexnet", reference.AlexNet2012, (3, 227, 227)),
    ("nin", reference.NIN, (3, 32, 32)),
    ("resnet18@3x32x32", lambda: models.resnet18(weights=None), (3, 32, 32)),
    ("se_resnet50@3x32x32", reference.se_resnet50, (3, 32, 32)),
    ("googlenet@3x64x64", lambda: models.googlenet(weights=None, aux_logits=False, init_weights=False), (3, 64, 64)),
    ("densenet121@3x32x32", lambda: models.densenet121(weights=None), (3, 32, 32)),
    ("mobilenet_v2@3x32x32", lambda: models.mobilenet_v2(weights=None), (3, 32, 32)),
    ("efficientnet_b0@3x32x32", lambda: models.efficientnet_b0(weights=None), (3, 32, 32)),
    ("inception_reduced", reference.InceptionReduced, (3, 32, 32)),
]


def state_dict_fixture():
    """A state_dict exactly as PyTorch users save it (safetensors.torch.save_file), here in float16
    to stay small and with batchnorm's int64 num_batches_tracked, plus an input and the output
    PyTorch computes with those (float16-rounded) weights: cnn-tui must load it as it is."""
    torch.manual_seed(1)
    model = reference.SimpleCNN().eval()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.8, 1.2)
            m.num_batches_tracked.fill_(7)
    state = {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in model.state_dict().items()}
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    x = torch.randn(1, 3, 224, 224).half().float()
    save_file(state, os.path.join(OUT, "simple_cnn-state_dict.safetensors"))
    save_file({"input": x.half().contiguous(), "output": model(x).contiguous()}, os.path.join(OUT, "simple_cnn-io.safetensors"))
    print("simple_cnn state_dict (float16) with input and output")


TRAINING_CASES = [
    # case, model constructor, input C,H,W, tensors to keep after the updates
    ("lenet5", reference.LeNet5, (1, 32, 32), ["c1.weight", "c3.bias", "f6.weight", "output.bias"]),
    ("resnet18@3x64x64", lambda: models.resnet18(weights=None), (3, 64, 64),
     ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "layer2.0.downsample.0.weight",
      "layer4.1.bn2.running_var", "fc.bias"]),
]


def training_fixtures():
    """Two SGD steps (lr 0.01, momentum 0.9) on one batch of 4, in training mode (batchnorm on the
    batch's statistics, running statistics updated), from the Weights.randomized values: the
    losses before each step and some tensors after both, for the Trainer and Optimizer tests.
    (At 64x64 and this learning rate the result is well conditioned: PyTorch in float32 and
    float64 agree to about 1e-6, so a float32 engine can be held to 1e-4.)"""
    torch.set_grad_enabled(True)
    for case, make, shape, keep in TRAINING_CASES:
        model = randomized(make(), SEED).train()
        x = torch.from_numpy(normals(SEED ^ fnv1a("batch"), 4 * int(np.prod(shape))).reshape(4, *shape))
        labels = torch.tensor([3, 1, 4, 1])
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        losses = []
        for _ in range(2):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        state = model.state_dict()
        tensors = {name: state[name].detach().contiguous() for name in keep}
        tensors["losses"] = torch.tensor(losses, dtype=torch.float32)
        save_file(tensors, os.path.join(OUT, f"train-{case}.safetensors"))
        print(f"train-{case:20} losses {losses}")
    torch.set_grad_enabled(False)


def main():
    os.makedirs(OUT, exist_ok=True)
    training_fixtures()
    torch.set_grad_enabled(False)
    state_dict_fixture()
    for case, make, shape in CASES:
        model = randomized(make().eval(), SEED)
        x = torch.from_numpy(normals(SEED ^ fnv1a("input"), int(np.prod(shape))).reshape(1, *shape))
        y = model(x).contiguous()
        save_file({"output": y, "input_head": x.flatten()[:16].contiguous()}, os.path.join(OUT, case + ".safetensors"))
        print(f"{case:26} output {tuple(y.shape)}  |y| max {y.abs().max().item():.4g}")


if __name__ == "__main__":
    main()
