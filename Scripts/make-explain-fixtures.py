"""Writes the PyTorch references for cnn-tui's "explain" features: Grad-CAM, guided backpropagation
and the effective receptive field (the input gradient of one unit).

Each case is built, filled and fed exactly as Scripts/make-engine-fixtures.py does it (whose
functions are imported, not copied): torchvision's model, every parameter and batchnorm statistic
set to cnn-tui's `Weights.randomized(analysis, seed: 2024)` values, the input drawn from
`NormalGenerator(seed: 2024 ^ fnv1a("input"))` at the case's `@CxHxW` shape. Everything runs in
eval mode (batchnorm on its running statistics, dropout off), in float32, on one thread. With
y_c the pre-softmax logit of c = argmax of the logits, it writes

    Tests/Fixtures/explain/<case>.safetensors   the tensors below (no weights)
    Tests/Fixtures/explain/<case>.json          what each tensor is (method, module, shape, unit)

with the tensors

    logits                      [1000]   the model's output
    class                       [1]      c, as a float
    input_head                  [16]     the first 16 input values (checks the generator port)
    gradcam:<module>            [H, W]   ReLU(sum_k alpha_k A_k), alpha_k = mean_HW dy_c/dA_k, A the
                                         module's output; not normalized, not upsampled
    guided                      [C,H,W]  dy_c/dinput with every ReLU call's backward
                                         grad_out * (grad_out > 0) * (x > 0)
    erf:<module>:<ch>:<y>:<x>   [C,H,W]  d(module output[0, ch, y, x])/dinput, plain backprop

Run from the repository root:

    ~/.venvs/cnn-tui-ref/bin/python Scripts/make-explain-fixtures.py
"""
import importlib.util
import json
import os

import numpy as np
import torch
from safetensors.torch import save_file
from torchvision import models

_spec = importlib.util.spec_from_file_location(
    "engine_fixtures", os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-engine-fixtures.py"))
engine = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engine)

OUT = os.path.join("Tests", "Fixtures", "explain")
SEED = engine.SEED

CASES = [
    # case, zoo name, model constructor, input C,H,W, Grad-CAM modules, ERF (module, channel)
    ("resnet18@3x64x64", "resnet18", lambda: models.resnet18(weights=None), (3, 64, 64),
     ["layer3", "layer4"], ("layer2", 3)),
    ("vgg11_bn@3x64x64", "vgg11_bn", lambda: models.vgg11_bn(weights=None, init_weights=False), (3, 64, 64),
     ["features.27", "features.20"], ("features.13", 7)),
]


class GuidedReLU(torch.autograd.Function):
    """ReLU whose backward lets through only positive gradients at positive inputs."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out * (grad_out > 0).to(grad_out.dtype) * (x > 0).to(grad_out.dtype)


class UnguidedReLUCheck(torch.overrides.TorchFunctionMode):
    """Counts relu calls that do not go through GuidedReLU (functional or tensor relu)."""

    NAMES = {"relu", "relu_"}

    def __init__(self):
        super().__init__()
        self.unguided = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in self.NAMES:
            self.unguided += 1
        return func(*args, **(kwargs or {}))


def build(make, shape):
    model = engine.randomized(make().eval(), SEED).eval()
    x = torch.from_numpy(engine.normals(SEED ^ engine.fnv1a("input"), int(np.prod(shape))).reshape(1, *shape))
    return model, x


def capture(model, names):
    """Forward hooks that keep the outputs of the named modules (last call of each)."""
    modules = dict(model.named_modules())
    kept, handles = {}, []
    for name in names:
        handles.append(modules[name].register_forward_hook(lambda m, i, o, name=name: kept.__setitem__(name, o)))
    return kept, handles


def gradcam(model, x, layers):
    kept, handles = capture(model, layers)
    logits = model(x)
    c = int(logits[0].argmax())
    grads = torch.autograd.grad(logits[0, c], [kept[name] for name in layers])
    for h in handles:
        h.remove()
    maps = {}
    for name, g in zip(layers, grads):
        a = kept[name][0].detach()
        alpha = g[0].mean(dim=(1, 2))
        maps[name] = torch.relu((alpha[:, None, None] * a).sum(0))
    return logits[0].detach(), c, maps


def guided(model, x, c):
    relus = [m for m in model.modules() if isinstance(m, torch.nn.ReLU)]
    calls = [0]

    def guided_forward(inp):
        calls[0] += 1
        return GuidedReLU.apply(inp)

    for m in relus:
        m.forward = guided_forward
    x = x.clone().requires_grad_(True)
    check = UnguidedReLUCheck()
    try:
        with check:
            logits = model(x)
        (g,) = torch.autograd.grad(logits[0, c], [x])
    finally:
        for m in relus:
            del m.forward  # back to the class's forward
    assert check.unguided == 0, f"{check.unguided} relu calls bypassed the guided ReLU"
    return g[0], len(relus), calls[0], logits[0].detach()


def erf(model, x, module, channel, unit=None):
    """The input gradient of one unit of `module`'s output: the centre unit unless `unit` = (y, x)."""
    kept, handles = capture(model, [module])
    x = x.clone().requires_grad_(True)
    model(x)
    for h in handles:
        h.remove()
    out = kept[module]
    h, w = out.shape[2], out.shape[3]
    y0, x0 = unit if unit is not None else (h // 2, w // 2)
    (g,) = torch.autograd.grad(out[0, channel, y0, x0], [x])
    return g[0], (y0, x0), (h, w), out[0, channel].detach()


# ------------------------------------------------------------- theoretical receptive fields

def back(interval, kernel, stride, padding):
    """Input rows a layer's output rows [lo, hi] read, padding included."""
    lo, hi = interval
    return lo * stride - padding, hi * stride - padding + kernel - 1


def union(a, b):
    return min(a[0], b[0]), max(a[1], b[1])


def resnet18_field(layer, unit):
    """Rows (or columns) of the input that unit `unit` of resnet18's `layer` output can depend on:
    the union over the main path and the shortcuts of every BasicBlock."""
    def block(iv, stride, downsample):
        main = back(back(iv, 3, 1, 1), 3, stride, 1)
        short = back(iv, 1, stride, 0) if downsample else iv
        return union(main, short)

    plan = {"layer1": [(1, False)] * 2, "layer2": [(2, True), (1, False)],
            "layer3": [(2, True), (1, False)], "layer4": [(2, True), (1, False)]}
    order = ["layer1", "layer2", "layer3", "layer4"]
    iv = (unit, unit)
    for name in reversed(order[:order.index(layer) + 1]):
        for stride, down in reversed(plan[name]):
            iv = block(iv, stride, down)
    iv = back(iv, 3, 2, 1)  # maxpool
    return back(iv, 7, 2, 3)  # conv1


def vgg_field(features, index, unit):
    """The same for `features.<index>` of a torchvision VGG Sequential."""
    iv = (unit, unit)
    for m in reversed(list(features)[:index + 1]):
        if isinstance(m, torch.nn.Conv2d):
            iv = back(iv, m.kernel_size[0], m.stride[0], m.padding[0])
        elif isinstance(m, torch.nn.MaxPool2d):
            iv = back(iv, m.kernel_size, m.stride, m.padding)
    return iv


def nonzero_box(g):
    nz = (g != 0).any(dim=0)
    ys, xs = torch.nonzero(nz, as_tuple=True)
    if len(ys) == 0:
        return None
    return (int(ys.min()), int(ys.max())), (int(xs.min()), int(xs.max())), int(nz.sum())


def clip(iv, size):
    return max(iv[0], 0), min(iv[1], size - 1)


def field(zoo, model, module, unit):
    """The theoretical receptive field of `unit` = (y, x): input rows and columns, unclipped."""
    if zoo == "resnet18":
        return resnet18_field(module, unit[0]), resnet18_field(module, unit[1])
    idx = int(module.split(".")[1])
    return vgg_field(model.features, idx, unit[0]), vgg_field(model.features, idx, unit[1])


def field_area(zoo, model, module, unit, shape):
    rows, cols = field(zoo, model, module, unit)
    rows, cols = clip(rows, shape[1]), clip(cols, shape[2])
    return (rows[1] - rows[0] + 1) * (cols[1] - cols[0] + 1)


def check_field(zoo, model, module, channel, unit, size, shape, g):
    """Asserts the gradient of `unit` vanishes outside its theoretical receptive field."""
    rows, cols = field(zoo, model, module, unit)
    rows_in, cols_in = clip(rows, shape[1]), clip(cols, shape[2])
    box = nonzero_box(g)
    assert box is not None, "ERF gradient is all zero"
    inside = torch.zeros(shape[1], shape[2], dtype=torch.bool)
    inside[rows_in[0]:rows_in[1] + 1, cols_in[0]:cols_in[1] + 1] = True
    outside = float(g[:, ~inside].abs().max()) if (~inside).any() else 0.0
    print(f"  erf:{module}:{channel}:{unit[0]}:{unit[1]} of a {size[0]}x{size[1]} map: theoretical field rows {rows} "
          f"cols {cols} (in the image rows {rows_in} cols {cols_in}, {int(inside.sum())} pixels); non-zero rows "
          f"{box[0]} cols {box[1]}, {box[2]} pixels; max |g| outside the field {outside}")
    assert outside == 0.0, "ERF gradient outside the theoretical receptive field"


# ------------------------------------------------------------------------------------ main

def run(case, zoo, make, shape, cam_layers, erf_spec):
    model, x = build(make, shape)
    modules = dict(model.named_modules())
    if zoo.startswith("vgg"):
        for name in cam_layers + [erf_spec[0]]:
            assert isinstance(modules[name], torch.nn.ReLU), (name, modules[name])

    logits, c, cams = gradcam(model, x, cam_layers)
    g_guided, n_relu_modules, n_relu_calls, guided_logits = guided(model, x, c)
    assert torch.equal(guided_logits, logits), "the guided ReLU must not change the forward pass"
    erf_module, channel = erf_spec
    g_erf, (uy, ux), (eh, ew), erf_map = erf(model, x, erf_module, channel)

    erf_key = f"erf:{erf_module}:{channel}:{uy}:{ux}"
    tensors = {"logits": logits, "class": torch.tensor([float(c)]), "input_head": x.flatten()[:16]}
    entries = [
        {"key": "logits", "method": "logits", "module": None, "shape": [1000]},
        {"key": "class", "method": "argmax", "module": None, "shape": [1]},
        {"key": "input_head", "method": "input", "module": None, "shape": [16]},
    ]
    for name in cam_layers:
        tensors[f"gradcam:{name}"] = cams[name]
        entries.append({"key": f"gradcam:{name}", "method": "gradcam", "module": name, "shape": list(cams[name].shape)})
    tensors["guided"] = g_guided
    entries.append({"key": "guided", "method": "guided_backprop", "module": None, "shape": list(g_guided.shape)})
    tensors[erf_key] = g_erf
    entries.append({"key": erf_key, "method": "erf", "module": erf_module, "shape": list(g_erf.shape),
                    "channel": channel, "y": uy, "x": ux, "layer_output": [eh, ew]})
    tensors = {k: v.detach().float().contiguous() for k, v in tensors.items()}

    # sanity checks, before anything is written
    print(f"{case}: class {c}, logit {logits[c].item():.5g}")
    for name in cam_layers:
        m = cams[name]
        print(f"  gradcam:{name:12} {tuple(m.shape)} nonzero {int((m > 0).sum())}/{m.numel()} max {m.max().item():.4g}")
        assert m.max() > 0, f"Grad-CAM at {name} is all zero"
    nz = int((g_guided != 0).sum())
    print(f"  guided {tuple(g_guided.shape)} nonzero {nz}/{g_guided.numel()} |g| max {g_guided.abs().max().item():.4g}"
          f"  ({n_relu_modules} ReLU modules, {n_relu_calls} guided calls)")
    assert nz > 0
    # the centre unit (stored), and (not stored) the active unit (output > 0, so its gradient is
    # not all zero) with the smallest field inside the image, so that the check is not vacuous
    # when the centre's field covers the whole image
    check_field(zoo, model, erf_module, channel, (uy, ux), (eh, ew), shape, g_erf)
    units = [(y, x_) for y in range(eh) for x_ in range(ew) if erf_map[y, x_] > 0]
    area = lambda u: field_area(zoo, model, erf_module, u, shape)
    small = min(units, key=lambda u: (area(u), u))
    check_field(zoo, model, erf_module, channel, small, (eh, ew), shape, erf(model, x, erf_module, channel, small)[0])

    base = os.path.join(OUT, case)
    save_file(tensors, base + ".safetensors")
    os.chmod(base + ".safetensors", 0o644)
    sidecar = {
        "case": case, "model": zoo, "input": list(shape), "seed": SEED,
        "weights": "Weights.randomized(analysis, seed:) as in Scripts/make-engine-fixtures.py",
        "input_generator": "NormalGenerator(seed: seed ^ fnv1a(\"input\"))",
        "class": c, "target": "pre-softmax logit of class",
        "tensors": entries,
    }
    with open(base + ".json", "w") as f:
        json.dump(sidecar, f, indent=2)
        f.write("\n")

    print(f"  wrote {base}.safetensors ({os.path.getsize(base + '.safetensors')} bytes) and {base}.json")
    return sidecar


def main():
    torch.set_num_threads(1)
    torch.set_grad_enabled(True)
    os.makedirs(OUT, exist_ok=True)
    for case in CASES:
        run(*case)


if __name__ == "__main__":
    main()
