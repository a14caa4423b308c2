"""The files of a fixture script: safetensors files written and read back unchanged, JSON files, and the manifest
(every file, the measured checks, the command, seed and versions) written last."""
import json
import os
import platform

import numpy
import torch

import safetensors_io


class FixtureFiles:
    def __init__(self, out, command, seed):
        self.out, self.command, self.seed = out, command, seed
        self.metadata = {"format": "pt", "generator": f"tsbert {command.split()[-1]}", "torch": torch.__version__}
        self.manifest = {"files": {}, "checks": {}}

    def path(self, relative):
        path = os.path.join(self.out, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path

    def safetensors(self, relative, tensors, description):
        path = self.path(relative)
        safetensors_io.write(path, tensors, self.metadata)
        back, _ = safetensors_io.read(path)
        assert back.keys() == tensors.keys() and all(torch.equal(back[k], tensors[k]) for k in tensors), relative
        self.manifest["files"][relative] = {"description": description, "bytes": os.path.getsize(path), "tensors": len(tensors)}

    def json(self, relative, value):
        with open(self.path(relative), "w") as f:
            json.dump(value, f, indent=2)
            f.write("\n")

    def finish(self):
        self.manifest.update({"command": self.command, "seed": self.seed, "torch": torch.__version__,
                              "numpy": numpy.__version__, "python": platform.python_version()})
        self.json("manifest.json", self.manifest)
        total = sum(entry["bytes"] for entry in self.manifest["files"].values())
        print(f"wrote {len(self.manifest['files'])} safetensors files, {total / 1e6:.2f} MB, to {self.out}")
