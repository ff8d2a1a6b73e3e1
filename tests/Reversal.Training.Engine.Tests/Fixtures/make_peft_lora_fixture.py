#!/usr/bin/env python3
"""Independent reference for Reversal's LoRA adapters in Hugging Face PEFT's layout.

Writes, next to this script, peft-lora/: a LoRA adapter for the base checkpoint hf-llama-f32/ exactly as PEFT's
save_pretrained lays it out, without the peft package:
    adapter_config.json        PEFT's LoraConfig fields (peft_type "LORA", r, lora_alpha, lora_dropout, target_modules
                               in set order, modules_to_save, bias "none", task_type "CAUSAL_LM" and PEFT's
                               bookkeeping fields such as inference_mode, init_lora_weights, megatron_core)
    adapter_model.safetensors  base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight [r, in],
                               ...lora_B.weight [out, r] for every targeted projection, and the modules to save
                               under their plain names (base_model.model.model.embed_tokens.weight,
                               base_model.model.lm_head.weight), F32, metadata {"format": "pt"}
    logits.json                {"input_ids", "logits"}: PEFT's unmerged LoRA forward (h W^T + (alpha/r) (h A^T) B^T per
                               adapted projection, dropout off as in eval mode) on hf-llama-f32's ids, float32

The Llama math is make_hf_llama_fixture.forward (plain PyTorch, no transformers), with the projections replaced by
their LoRA form. A and B are random (not PEFT's zero B) so that the test sees the adapters' effect.

Regenerate (deterministic; torch 1.13 on CPU was used), from the repository root:

    /usr/bin/python3 tests/Reversal.Training.Engine.Tests/Fixtures/make_peft_lora_fixture.py

Verification of an adapter written by Reversal (used by the C# tests when /usr/bin/python3 has torch):

    /usr/bin/python3 make_peft_lora_fixture.py --verify DIR

reads DIR/adapter_config.json and DIR/adapter_model.safetensors as PEFT would (names base_model.model.*, lora_A
[r, in], lora_B [out, r], scale lora_alpha / r, modules_to_save under their plain names), applies them to
hf-llama-f32 and prints {"logits": [B][T][V]} on the fixture's ids as JSON on stdout.
"""

import json
import os
import sys

import torch

import make_hf_llama_fixture as llama

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "hf-llama-f32")
OUT = os.path.join(HERE, "peft-lora")

RANK, ALPHA = 4, 8
TARGETS = ["v_proj", "q_proj", "down_proj", "o_proj", "gate_proj", "up_proj", "k_proj"]  # PEFT writes a set: any order
MODULES_TO_SAVE = ["embed_tokens", "lm_head"]


def lora_forward(weights, adapters, scale, cfg, ids):
    """PEFT's unmerged LoRA forward: each adapted projection computes h W^T + scale (h A^T) B^T (dropout off)."""
    def linear(h, name):
        y = h @ weights[name].T
        module = name[: -len(".weight")]
        if module in adapters:
            a, b = adapters[module]
            y = y + ((h @ a.T) @ b.T) * scale
        return y

    with torch.no_grad():
        return llama.forward(weights, cfg, ids, linear=linear)


def main():
    cfg, base, ids = load_base()

    g = torch.Generator().manual_seed(2024)
    adapters = {}
    for name in llama.parameter_names(cfg):
        module = name[: -len(".weight")]
        if module.split(".")[-1] in TARGETS:
            out_features, in_features = base[name].shape
            a = torch.randn((RANK, in_features), generator=g) / in_features ** 0.5
            b = 0.3 * torch.randn((out_features, RANK), generator=g) / RANK ** 0.5
            adapters[module] = (a, b)

    # modules_to_save: PEFT trains a copy of the module; its file holds the copy under the module's plain name.
    saved = {
        "model.embed_tokens.weight": base["model.embed_tokens.weight"] + 0.1 * torch.randn(base["model.embed_tokens.weight"].shape, generator=g),
        "lm_head.weight": base["lm_head.weight"] + 0.1 * torch.randn(base["lm_head.weight"].shape, generator=g),
    }
    weights = dict(base)
    weights.update(saved)
    logits = lora_forward(weights, adapters, ALPHA / RANK, cfg, ids)

    os.makedirs(OUT, exist_ok=True)
    tensors = {}
    for module, (a, b) in adapters.items():
        tensors[f"base_model.model.{module}.lora_A.weight"] = a
        tensors[f"base_model.model.{module}.lora_B.weight"] = b
    for name, t in saved.items():
        tensors[f"base_model.model.{name}"] = t
    llama.write_safetensors(os.path.join(OUT, "adapter_model.safetensors"), tensors, "F32", {"format": "pt"})

    config = {
        "alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": "hf-llama-f32", "bias": "none",
        "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "layer_replication": None,
        "layers_pattern": None, "layers_to_transform": None, "loftq_config": {}, "lora_alpha": ALPHA,
        "lora_dropout": 0.05, "megatron_config": None, "megatron_core": "megatron.core",
        "modules_to_save": MODULES_TO_SAVE, "peft_type": "LORA", "r": RANK, "rank_pattern": {}, "revision": None,
        "target_modules": TARGETS, "task_type": "CAUSAL_LM", "use_dora": False, "use_rslora": False,
    }
    with open(os.path.join(OUT, "adapter_config.json"), "w") as f:
        f.write(json.dumps(config, indent=2, sort_keys=True) + "\n")
    with open(os.path.join(OUT, "logits.json"), "w") as f:
        json.dump({"input_ids": ids, "shape": list(logits.shape), "logits": logits.tolist()}, f)
        f.write("\n")


def load_base():
    with open(os.path.join(BASE, "config.json")) as f:
        cfg = json.load(f)
    _, raw = llama.read_safetensors(os.path.join(BASE, "model.safetensors"))
    base = {name: llama.from_bytes(data, dtype, shape) for name, (dtype, shape, data) in raw.items()}
    with open(os.path.join(BASE, "logits.json")) as f:
        ids = json.load(f)["input_ids"]
    return cfg, base, ids


def verify(folder):
    cfg, weights, ids = load_base()
    with open(os.path.join(folder, "adapter_config.json")) as f:
        config = json.load(f)
    assert config["peft_type"] == "LORA" and config["bias"] == "none" and config["task_type"] == "CAUSAL_LM", config
    scale = config["lora_alpha"] / config["r"]
    _, raw = llama.read_safetensors(os.path.join(folder, "adapter_model.safetensors"))
    tensors = {name: llama.from_bytes(data, dtype, shape) for name, (dtype, shape, data) in raw.items()}
    prefix = "base_model.model."
    adapters, seen = {}, set()
    for name in llama.parameter_names(cfg):
        module = name[: -len(".weight")]
        if module.split(".")[-1] in config["target_modules"]:
            a = tensors[f"{prefix}{module}.lora_A.weight"]
            b = tensors[f"{prefix}{module}.lora_B.weight"]
            out_features, in_features = weights[name].shape
            assert tuple(a.shape) == (config["r"], in_features) and tuple(b.shape) == (out_features, config["r"]), module
            adapters[module] = (a, b)
            seen.update([f"{prefix}{module}.lora_A.weight", f"{prefix}{module}.lora_B.weight"])
        elif any(module == m or module.endswith("." + m) for m in config.get("modules_to_save") or []):
            weights[name] = tensors[prefix + name]
            seen.add(prefix + name)
    assert seen == set(tensors), sorted(set(tensors) - seen)

    logits = lora_forward(weights, adapters, scale, cfg, ids)
    json.dump({"logits": logits.tolist()}, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--verify":
        verify(sys.argv[2])
    else:
        main()
