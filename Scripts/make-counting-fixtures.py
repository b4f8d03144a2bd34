"""Writes what each FLOP/MAC counting tool reports for every zoo model, for `--count TOOL`.

For every eval-mode model of the catalogue `TORCH` in make-reference-fixtures.py (the train-mode
`*_aux` entries are skipped: the tools below always count in eval mode, where the auxiliary heads
do not run), with batch 1, the catalogue's input shape and torch.manual_seed(0), it runs four tools
in their default mode, each on a freshly built model (thop adds buffers and ptflops hooks and
attributes, so no model is shared between tools), and writes Tests/Fixtures/counting/<name>.json
(`@` and other unsafe characters in the name become `_`; the model's name is recorded inside):

- fvcore 0.1.5 `FlopCountAnalysis(model, x)`: `total()`, `by_operator()`, `unsupported_ops()` and
  `by_module()` restricted to leaf modules;
- ptflops 0.7.5 `get_model_complexity_info(model, shape, backend="pytorch", as_strings=False,
  print_per_layer_stat=False)`: MACs and params, every leaf module's `__flops__` (its per-layer
  stat) and the patched functional/tensor operations' MACs with the module that called them;
- thop `profile(model, inputs=(x,))` (called with ret_layer_info=True, which changes only what is
  returned): MACs and params as the floats thop returns, and every leaf module's `total_ops`;
- torchscan 0.2.0 `crawl_module(model, shape)`: module-formula FLOPs, MACs, DMAs, operator FLOPs
  (torch.utils.flop_counter), parameters, and one row per call of a leaf module.

A tool that raises is recorded as {"error": "..."}; no number is ever filled in for it.
Per-module dictionaries are in the order of each module's first call. Run from the repository
root, in the environment made by Scripts/setup-reference-env.sh (it runs torch on one thread):

    ~/.venvs/cnn-tui-ref/bin/python Scripts/make-counting-fixtures.py [NAME ...]
"""
import contextlib
import importlib.metadata
import importlib.util
import io
import json
import logging
import os
import re
import sys
import warnings

import torch
import torch.nn.functional as F
import torchvision

OUT = os.path.join("Tests", "Fixtures", "counting")

_spec = importlib.util.spec_from_file_location(
    "reference_models", os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-reference-fixtures.py"))
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)
TORCH = reference.TORCH


def version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


SOURCE = {"python": sys.version.split()[0], "torch": torch.__version__, "torchvision": torchvision.__version__,
          "fvcore": version("fvcore"), "ptflops": version("ptflops"), "thop": version("thop"),
          "torchscan": version("torchscan")}


def fresh(make):
    torch.manual_seed(0)
    model = make()
    model.eval()
    return model


def sample(shape):
    torch.manual_seed(0)
    return torch.randn(1, *shape)


def leaves(model):
    return {name: module for name, module in model.named_modules() if not any(module.children())}


def call_order(make, shape):
    """Names of the leaf modules in the order of their first call (then the uncalled ones)."""
    model = fresh(make)
    order, handles = {}, []

    def called(m, args):
        order.setdefault(names[id(m)], None)
    names = {id(m): n for n, m in leaves(model).items()}
    for module in leaves(model).values():
        handles.append(module.register_forward_pre_hook(called))
    with torch.no_grad():
        model(sample(shape))
    for handle in handles:
        handle.remove()
    return list(order) + [name for name in leaves(model) if name not in order]


def ordered(counts, order):
    rank = {name: i for i, name in enumerate(order)}
    return dict(sorted(counts.items(), key=lambda item: rank.get(item[0], len(rank))))


def error(exc):
    return {"error": f"{type(exc).__name__}: {exc}"[:1000]}


# ---------------------------------------------------------------- the four tools

def run_fvcore(make, shape, order):
    from fvcore.nn import FlopCountAnalysis
    model = fresh(make)
    analysis = FlopCountAnalysis(model, sample(shape))
    total = analysis.total()
    by_module = analysis.by_module()
    names = leaves(model)
    return dict(total=total, byOperator=dict(analysis.by_operator()),
                unsupportedOps=dict(sorted(analysis.unsupported_ops().items())),
                layers=ordered({n: by_module[analysis.canonical_module_name(n)] for n in names}, order))


def run_ptflops(make, shape, order):
    from ptflops import get_model_complexity_info
    from ptflops import pytorch_ops
    model = fresh(make)
    names = {id(m): n for n, m in model.named_modules()}

    # The module that is running when a patched functional or tensor operation is called.
    stack, handles = [], []

    def enter(m, args):
        stack.append(names[id(m)])

    def leave(m, args, out):
        stack.pop()  # a forward hook must return None, or it replaces the output
    for module in model.modules():
        handles.append(module.register_forward_pre_hook(enter))
        handles.append(module.register_forward_hook(leave))

    # Each leaf's __flops__, read when the whole model's forward ends (ptflops deletes them later).
    snapshot = {}

    def read_flops(m, a, o):
        snapshot.update({n: getattr(sub, "__flops__", 0) for n, sub in leaves(model).items()})
    handles.append(model.register_forward_hook(read_flops))

    # Wrap ptflops's handlers (its patches look them up in these dicts) to see which op counted what.
    functional = {}

    def label(op):
        for prefix, owner in (("F.", F), ("torch.", torch), ("Tensor.", torch.Tensor)):
            if getattr(owner, getattr(op, "__name__", ""), None) is op:
                return prefix + op.__name__
        return repr(op)

    originals = []
    for mapping in (pytorch_ops.FUNCTIONAL_MAPPING, pytorch_ops.TENSOR_OPS_MAPPING):
        for op, handler in list(mapping.items()):
            originals.append((mapping, op, handler))

            def recording(*args, _handler=handler, _label=label(op), **kwargs):
                macs = _handler(*args, **kwargs)
                key = (stack[-1] if stack else "", _label)
                functional[key] = functional.get(key, 0) + int(macs)
                return macs
            mapping[op] = recording
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            macs, params = get_model_complexity_info(model, tuple(shape), backend="pytorch", as_strings=False,
                                                     print_per_layer_stat=False)
    finally:
        for mapping, op, handler in originals:
            mapping[op] = handler
        for handle in handles:
            handle.remove()
    if macs is None:
        text = out.getvalue()
        match = re.search(r"following exception: \n(.*)", text)
        return {"error": (match.group(1) if match else text.strip().splitlines()[-1])[:1000]}
    result = dict(macs=macs, params=params, layers=ordered(snapshot, order),
                  functional=[[scope, op, n] for (scope, op), n in functional.items()])
    unattributed = macs - sum(snapshot.values()) - sum(functional.values())
    if unattributed:
        result["unattributed"] = unattributed
    return result


def run_thop(make, shape, order):
    from thop import profile
    model = fresh(make)
    with contextlib.redirect_stdout(io.StringIO()):
        macs, params, info = profile(model, inputs=(sample(shape),), ret_layer_info=True)
    layers = {}

    def walk(tree, prefix):
        for name, (ops, _, children) in tree.items():
            path = prefix + name
            if children:
                walk(children, path + ".")
            else:
                layers[path] = ops
    walk(info, "")
    return dict(macs=macs, params=params, layers=ordered(layers, order))


def run_torchscan(make, shape):
    import torchscan
    model = fresh(make)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = torchscan.crawl_module(model, tuple(shape))
    totals = report["totals"]

    def metric(result):
        return {k: result[k] for k in ("status", "value", "known_value")}

    def value(result):
        if result is None:
            return None
        return result["value"] if result["status"] == "complete" else result["known_value"]

    rows = []
    for layer in report["layers"]:
        m = layer["metrics"]
        if "macs" not in m:
            continue  # containers: torchscan computes formulas for leaf modules only
        statuses = [m[k]["status"] for k in ("module_flops", "macs", "dmas")]
        rows.append([layer["path"], layer["call_index"], layer["type"], value(m["module_flops"]), value(m["macs"]),
                     value(m["dmas"]), all(s == "complete" for s in statuses)])
    diagnostics = {}
    for d in report["diagnostics"]:
        key = f"{d['code']} [{d['metric']}]: {d['message']}" if d["code"] != "uncounted_operator" else None
        if key:
            diagnostics[key] = diagnostics.get(key, 0) + 1
    ops = report["operator_flops"]
    return dict(flops=metric(totals["module_flops"]), macs=metric(totals["macs"]), dmas=metric(totals["dmas"]),
                operatorFlops=metric(totals["operator_flops"]), params=totals["parameters"]["value"],
                operatorFlopsByOperator=ops["by_operator"],
                uncountedOperators={d["operator"]: int(re.search(r"observed (\d+) time", d["message"]).group(1))
                                    for d in ops["diagnostics"] if d["code"] == "uncounted_operator"},
                moduleDiagnostics=diagnostics,
                layerColumns=["module", "call", "type", "flops", "macs", "dmas", "complete"],
                layers=rows)


def counting_fixture(name, make, shape):
    order = call_order(make, shape)
    fixture = dict(model=name, input=list(shape), batch=1, source=SOURCE)
    for tool, run in (("fvcore", lambda: run_fvcore(make, shape, order)),
                      ("ptflops", lambda: run_ptflops(make, shape, order)),
                      ("thop", lambda: run_thop(make, shape, order)),
                      ("torchscan", lambda: run_torchscan(make, shape))):
        try:
            fixture[tool] = run()
        except Exception as exc:  # a tool that cannot count the model is recorded, never guessed
            fixture[tool] = error(exc)
    return fixture


# ---------------------------------------------------------------- output

def dumps(value, depth=0):
    """JSON with objects down to the third level and lists of rows spread one entry per line."""
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value and depth < 3:
        items = [f"{inner}{json.dumps(k)}: {dumps(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return "[\n" + ",\n".join(inner + json.dumps(v) for v in value) + "\n" + pad + "]"
    return json.dumps(value)


def file_name(name):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".json"


def total(fixture, tool, key):
    result = fixture[tool]
    if "error" in result:
        return "error"
    value = result[key]
    if isinstance(value, dict):
        value = value["value"] if value["status"] == "complete" else value["known_value"]
        return f"{value:,}" + ("" if result[key]["status"] == "complete" else "+")
    return f"{value:,.0f}"


def main():
    torch.set_num_threads(1)
    logging.getLogger("fvcore").setLevel(logging.ERROR)
    os.makedirs(OUT, exist_ok=True)
    wanted = set(sys.argv[1:])
    files = {}
    print(f"{'model':20} {'fvcore':>16} {'ptflops':>16} {'thop':>16} {'torchscan MACs':>17}")
    for name, (make, shape, mode) in TORCH.items():
        if mode != "eval":
            continue  # the *_aux entries run their auxiliary heads in train mode; the tools count in eval mode
        if wanted and name not in wanted:
            continue
        path = os.path.join(OUT, file_name(name))
        assert files.setdefault(path, name) == name, (path, files[path], name)
        fixture = counting_fixture(name, make, shape)
        with open(path, "w") as f:
            f.write(dumps(fixture) + "\n")
        print(f"{name:20} {total(fixture, 'fvcore', 'total'):>16} {total(fixture, 'ptflops', 'macs'):>16} "
              f"{total(fixture, 'thop', 'macs'):>16} {total(fixture, 'torchscan', 'macs'):>17}", flush=True)


if __name__ == "__main__":
    main()
