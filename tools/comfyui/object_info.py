#!/usr/bin/env python3
"""
Records what a ComfyUI server's GET /object_info reports for the node classes longav's templates
use, from ComfyUI's own source at one commit, without torch or a GPU.

The node modules (nodes.py, comfy_extras/nodes_*.py) and ComfyUI's node API (comfy_api/, which
turns a node's schema into the /object_info entry) are imported for real from a git checkout;
everything heavy they import (torch, PIL, av, comfy.model_management…) is replaced by an inert
stand-in that is never called when only the schema is asked for. Model file lists come from a
JSON listing (folder -> file names): what a server with those files installed reports.

    python3 tools/comfyui/object_info.py --git-dir /path/to/ComfyUI/.git --commit SHA \
        --models tests/fixtures/comfyui/models.json --out tests/fixtures/comfyui/object_info.json

Writes {"comfyui": {version, commit, commitDate, source}, "models": …, "object_info": {class: info}}.
"""
import argparse
import ast
import importlib
import importlib.abc
import importlib.machinery
import io as _stdio
import json
import subprocess
import sys
import tarfile
import tempfile
import types
from pathlib import Path

# The node classes the templates in models/comfyui/ use (all of them, so the fixture answers for every template).
NODE_MODULES = [
    "nodes",
    "comfy_extras.nodes_lt",
    "comfy_extras.nodes_lt_audio",
    "comfy_extras.nodes_wan",
    "comfy_extras.nodes_audio",
    "comfy_extras.nodes_audio_encoder",
    "comfy_extras.nodes_video",
    "comfy_extras.nodes_custom_sampler",
    "comfy_extras.nodes_model_advanced",
    "comfy_extras.nodes_images",
    "comfy_extras.nodes_mask",
    "comfy_extras.nodes_video_model",
]
# Source paths taken from the commit: the modules above and what turns a schema into /object_info.
SOURCE_PATHS = ["nodes.py", "comfyui_version.py", "comfy_api", "comfy_execution", "comfy_extras", "comfy/comfy_types", "comfy/samplers.py"]
# Modules imported for real; anything else not installed here is an inert stand-in.
REAL_PREFIXES = ("comfy_api", "comfy_execution", "comfy_extras", "comfy.comfy_types", "nodes")


class Inert:
    """Stands in for any object of a module that is not here (torch.Tensor, comfy.sd.VAE…)."""

    def __init__(self, *a, **k):
        pass

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return Inert()

    def __call__(self, *a, **k):
        # Used as a decorator (@torch.no_grad() etc.): keep the function.
        if len(a) == 1 and not k and callable(a[0]) and not isinstance(a[0], Inert):
            return a[0]
        return Inert()

    def __mro_entries__(self, bases):
        return (Inert,)

    def __getitem__(self, k):
        return Inert()

    def __iter__(self):
        return iter(())

    def __bool__(self):
        return False

    def __or__(self, o):
        return self

    __ror__ = __or__
    __add__ = __radd__ = __sub__ = __mul__ = __rmul__ = __truediv__ = __or__

    def __int__(self):
        return 0

    __index__ = __int__

    def __float__(self):
        return 0.0


class InertModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return Inert()


class InertFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """First on sys.meta_path: every module that is neither Python's own nor ComfyUI's node code
    (torch, numpy, PIL, av, comfy.sd…) becomes an inert package, whatever happens to be installed."""

    def find_spec(self, fullname, path, target=None):
        top = fullname.split(".")[0]
        if top in sys.stdlib_module_names or top in ("typing_extensions", "_distutils_hack"):
            return None
        if fullname.startswith(REAL_PREFIXES) and fullname != "comfy_api.latest.generated.ComfyAPISyncStub":
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def __init__(self, root: Path):
        self.root = root

    def create_module(self, spec):
        m = InertModule(spec.name)
        # A package with real subpackages here (comfy.comfy_types) keeps its folder on its path.
        folder = self.root.joinpath(*spec.name.split("."))
        m.__path__ = [str(folder)] if folder.is_dir() else []
        return m

    def exec_module(self, module):
        pass


def literal_names(source: str, names: list[str]) -> dict:
    """Top-level list constants of a module, evaluated from its syntax (list(dict) and a + b included)."""
    tree = ast.parse(source)
    env: dict = {}

    def ev(node):
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return ev(node.left) + ev(node.right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "list":
            return list(ev(node.args[0]))
        if isinstance(node, ast.Dict):
            return {ast.literal_eval(k): None for k in node.keys}
        return ast.literal_eval(node)

    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            try:
                env[stmt.targets[0].id] = ev(stmt.value)
            except Exception:
                pass
    return {n: env[n] for n in names}


def classic_info(name: str, cls, display_names: dict, module: str) -> dict:
    """The /object_info entry of a node written the classic way (INPUT_TYPES, RETURN_TYPES)."""
    inputs = cls.INPUT_TYPES()
    info = {
        "input": inputs,
        "input_order": {k: list(v.keys()) for k, v in inputs.items()},
        "is_input_list": getattr(cls, "INPUT_IS_LIST", False),
        "output": list(cls.RETURN_TYPES),
        "output_is_list": list(getattr(cls, "OUTPUT_IS_LIST", [False] * len(cls.RETURN_TYPES))),
        "output_name": list(getattr(cls, "RETURN_NAMES", cls.RETURN_TYPES)),
        "name": name,
        "display_name": display_names.get(name, name),
        "description": getattr(cls, "DESCRIPTION", ""),
        "python_module": "nodes" if module == "nodes" else module.replace(".", "/"),
        "category": getattr(cls, "CATEGORY", "sd"),
        "output_node": getattr(cls, "OUTPUT_NODE", False) is True,
    }
    return info


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--git-dir", required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("--source", default="https://github.com/comfyanonymous/ComfyUI")
    ap.add_argument("--models", required=True, help="JSON: models folder -> file names the server has")
    ap.add_argument("--classes", required=True, help="JSON list of node classes to record")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    git = ["git", "--git-dir", args.git_dir]
    date = subprocess.run(git + ["show", "-s", "--format=%cI", args.commit], check=True, capture_output=True, text=True).stdout.strip()
    tar = subprocess.run(git + ["archive", args.commit, *SOURCE_PATHS], check=True, capture_output=True).stdout
    models = json.loads(Path(args.models).read_text())
    wanted = json.loads(Path(args.classes).read_text())

    with tempfile.TemporaryDirectory() as tmp:
        tarfile.open(fileobj=_stdio.BytesIO(tar)).extractall(tmp)
        root = Path(tmp)
        version = literal_names((root / "comfyui_version.py").read_text(), ["__version__"])["__version__"]
        sys.path.insert(0, tmp)
        sys.meta_path.insert(0, InertFinder(root))
        # The model folders: what a server with the listed files reports.
        fp = types.ModuleType("folder_paths")
        fp.get_filename_list = lambda folder: sorted(models.get(folder, []))
        fp.get_input_directory = lambda: str(root / "input")
        fp.get_output_directory = lambda: str(root / "output")
        fp.get_temp_directory = lambda: str(root / "temp")
        fp.filter_files_content_types = lambda files, kinds: []
        fp.filter_files_extensions = lambda files, exts: []
        fp.supported_pt_extensions = {".safetensors", ".ckpt", ".pt", ".pth", ".bin"}
        fp.folder_names_and_paths = {}
        sys.modules["folder_paths"] = fp
        (root / "input").mkdir()
        # Sampler and scheduler names: computed from comfy/samplers.py's own constants.
        consts = literal_names((root / "comfy/samplers.py").read_text(), ["SAMPLER_NAMES", "SCHEDULER_NAMES", "KSAMPLER_NAMES"])
        samplers = InertModule("comfy.samplers")
        samplers.__path__ = []
        samplers.KSampler = type("KSampler", (), {"SAMPLERS": consts["SAMPLER_NAMES"], "SCHEDULERS": consts["SCHEDULER_NAMES"]})
        samplers.SAMPLER_NAMES = consts["SAMPLER_NAMES"]
        samplers.SCHEDULER_NAMES = consts["SCHEDULER_NAMES"]
        samplers.KSAMPLER_NAMES = consts["KSAMPLER_NAMES"]
        sys.modules["comfy.samplers"] = samplers
        importlib.import_module("comfy").samplers = samplers

        from comfy_api.latest import io  # noqa: E402  (the real node API of that commit)

        found: dict = {}
        for modname in NODE_MODULES:
            mod = importlib.import_module(modname)
            # Classic nodes: the module's NODE_CLASS_MAPPINGS (nodes.py and older comfy_extras files).
            for name, cls in getattr(mod, "NODE_CLASS_MAPPINGS", {}).items():
                if name not in wanted or name in found:
                    continue
                if isinstance(cls, type) and issubclass(cls, io.ComfyNode):
                    found[name] = cls.GET_NODE_INFO_V1()
                else:
                    found[name] = classic_info(name, cls, getattr(mod, "NODE_DISPLAY_NAME_MAPPINGS", {}), modname)
            # Schema (v3) nodes: every io.ComfyNode class defined in the module.
            for obj in vars(mod).values():
                if isinstance(obj, type) and issubclass(obj, io.ComfyNode) and obj is not io.ComfyNode and obj.__module__ == modname:
                    try:
                        info = obj.GET_NODE_INFO_V1()
                    except Exception:
                        continue  # a base class without a schema of its own
                    if info["name"] in wanted:
                        found.setdefault(info["name"], info)

    missing = [c for c in wanted if c not in found]
    if missing:
        sys.exit(f"not in ComfyUI {version} ({args.commit[:10]}): {', '.join(missing)}")
    out = {
        "comfyui": {"version": version, "commit": args.commit, "commitDate": date, "source": args.source},
        "generatedBy": "tools/comfyui/object_info.py",
        "models": models,
        "object_info": {c: found[c] for c in sorted(wanted)},
    }
    Path(args.out).write_text(json.dumps(out, indent=1, sort_keys=False, default=str) + "\n")
    print(f"{len(wanted)} node classes from ComfyUI {version} ({args.commit[:10]}, {date}) -> {args.out}")


if __name__ == "__main__":
    main()
