#!/usr/bin/env python3
"""Independent reference for Reversal's SafeTensors IO and Hugging Face Llama checkpoints.

A small Llama (LlamaForCausalLM) written in plain PyTorch, following Hugging Face transformers' modeling_llama
math and naming, plus a SafeTensors reader and writer written from the format description (8-byte little-endian
header length, compact JSON header padded with spaces to 8 bytes, raw little-endian data). Neither transformers
nor the safetensors package is used, so the fixtures come from an implementation that shares no code with the C#.

Regenerate the committed fixtures (deterministic; torch 1.13 on CPU was used), from the repository root:

    /usr/bin/python3 tests/Reversal.Training.Engine.Tests/Fixtures/make_hf_llama_fixture.py

This rewrites, next to this script:
    hf-llama-f32/                 untied, F32, single model.safetensors
    hf-llama-bf16/                the same weights rounded to bfloat16, saved as BF16
    hf-llama-f32-tied-sharded/    tied embeddings (no lm_head.weight), F32, 3 shards + model.safetensors.index.json
each with config.json and logits.json ({"input_ids": [[...], [...]], "logits": [B][T][V]} computed in float32; for
BF16 from the bfloat16-rounded weights upcast to float32). The two F32 folders also get the independent check of
backward and the optimizer (as llm.c's test_gpt2 does):
    gradients.safetensors         the gradient of every parameter of the causal loss on input_ids (mean cross-entropy
                                  of token t+1 given tokens 0..t, every position counted), by parameter name
    training.json                 {"loss", "adamw": {hyper-parameters}, "adamw_losses": [...]}: the loss before each of
                                  several torch.optim.AdamW steps on that batch, decay on parameters of rank >= 2 only

Verification of a checkpoint written by Reversal (used by the C# tests when /usr/bin/python3 has torch):

    /usr/bin/python3 make_hf_llama_fixture.py --verify DIR --ids "1,2,3;4,5,6"

reads DIR with this file's own strict reader (single file or index + shards), checks that re-serialising each file's
tensors with this file's writer reproduces the file byte for byte, runs the reference forward on the ids and prints
{"logits": ..., "files": {name: {"identical": bool, "dtypes": [...]}}} as JSON on stdout.
"""

import argparse
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

BASE_CONFIG = {
    "vocab_size": 64,
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 32,
    "rms_norm_eps": 1e-05,
    "rope_theta": 10000.0,
    "initializer_range": 0.02,
}

DTYPE_SIZES = {"F32": 4, "F16": 2, "BF16": 2}


# ----------------------------------------------------------------------------------------------------------- model

def parameter_names(cfg):
    """State-dict names of LlamaForCausalLM in its own order (lm_head omitted when tied)."""
    names = ["model.embed_tokens.weight"]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        names += [p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight",
                  p + "self_attn.o_proj.weight", p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight",
                  p + "mlp.down_proj.weight", p + "input_layernorm.weight", p + "post_attention_layernorm.weight"]
    names.append("model.norm.weight")
    if not cfg["tie_word_embeddings"]:
        names.append("lm_head.weight")
    return names


def parameter_shape(cfg, name):
    d, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    hd = d // cfg["num_attention_heads"]
    kv = cfg["num_key_value_heads"] * hd
    table = {
        "embed_tokens": (v, d), "lm_head": (v, d), "q_proj": (cfg["num_attention_heads"] * hd, d),
        "k_proj": (kv, d), "v_proj": (kv, d), "o_proj": (d, cfg["num_attention_heads"] * hd),
        "gate_proj": (f, d), "up_proj": (f, d), "down_proj": (d, f),
    }
    for key, shape in table.items():
        if f".{key}." in f".{name}":
            return shape
    return (d,)  # every norm


def random_weights(cfg, seed):
    """Weights at a scale where activations are O(1): matrices N(0, 1/fan_in), embeddings N(0, 1), gains 1 + N(0, 0.1^2)."""
    g = torch.Generator().manual_seed(seed)
    weights = {}
    for name in parameter_names(cfg):
        shape = parameter_shape(cfg, name)
        if len(shape) == 1:
            weights[name] = 1.0 + 0.1 * torch.randn(shape, generator=g)
        elif "embed_tokens" in name:
            weights[name] = torch.randn(shape, generator=g)
        else:
            weights[name] = torch.randn(shape, generator=g) / math.sqrt(shape[1])
    return weights


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward(w, cfg, ids, linear=None):
    """Logits [B, T, V] in float32, following transformers' LlamaForCausalLM (eager attention, causal mask).

    linear(h, name) computes the projection whose weight is w[name] (default h @ w[name].T); the PEFT LoRA reference
    (make_peft_lora_fixture.py) passes one that adds its adapters.
    """
    if linear is None:
        def linear(h, name):
            return h @ w[name].T
    ids = torch.tensor(ids, dtype=torch.long)
    b, t = ids.shape
    heads, kv_heads, d = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["hidden_size"]
    hd, eps = d // heads, cfg["rms_norm_eps"]
    n_rep = heads // kv_heads

    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    freqs = torch.arange(t, dtype=torch.float32)[:, None] @ inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.full((t, t), float("-inf")).triu(1)

    x = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(h, p + "self_attn.q_proj.weight").view(b, t, heads, hd).transpose(1, 2)
        k = linear(h, p + "self_attn.k_proj.weight").view(b, t, kv_heads, hd).transpose(1, 2)
        v = linear(h, p + "self_attn.v_proj.weight").view(b, t, kv_heads, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k[:, :, None].expand(b, kv_heads, n_rep, t, hd).reshape(b, heads, t, hd)  # repeat_kv
        v = v[:, :, None].expand(b, kv_heads, n_rep, t, hd).reshape(b, heads, t, hd)
        scores = q @ k.transpose(2, 3) / math.sqrt(hd) + mask
        probs = torch.softmax(scores, dim=-1)
        attended = (probs @ v).transpose(1, 2).reshape(b, t, heads * hd)
        x = x + linear(attended, p + "self_attn.o_proj.weight")
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        x = x + linear(F.silu(linear(h, p + "mlp.gate_proj.weight")) * linear(h, p + "mlp.up_proj.weight"), p + "mlp.down_proj.weight")
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


# ------------------------------------------------------------------------------------------------------ safetensors

def to_bytes(tensor, dtype):
    """Raw little-endian bytes of a float tensor in the given SafeTensors dtype (rounding to nearest even)."""
    tensor = tensor.detach().contiguous()
    if dtype == "F32":
        return tensor.float().numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return tensor.half().numpy().astype("<f2").tobytes()
    if dtype == "BF16":
        return tensor.to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()
    raise ValueError(dtype)


def from_bytes(data, dtype, shape):
    if dtype == "F32":
        array = np.frombuffer(data, dtype="<f4").astype(np.float32)
    elif dtype == "F16":
        array = np.frombuffer(data, dtype="<f2").astype(np.float32)
    elif dtype == "BF16":
        array = (np.frombuffer(data, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    else:
        raise ValueError(f"unsupported dtype {dtype}")
    return torch.from_numpy(array.copy()).reshape(shape)


def serialize(raw, metadata):
    """File bytes for {name: (dtype, shape, data bytes)}, laid out as the reference writer does (one dtype: by name)."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset, chunks = 0, []
    for name in sorted(raw):
        dtype, shape, data = raw[name]
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write_safetensors(path, tensors, dtype, metadata):
    raw = {name: (dtype, tuple(t.shape), to_bytes(t, dtype)) for name, t in tensors.items()}
    with open(path, "wb") as f:
        f.write(serialize(raw, metadata))


def no_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def read_safetensors(path):
    """(metadata, {name: (dtype, shape, bytes)}) with the format's rules checked."""
    with open(path, "rb") as f:
        content = f.read()
    if len(content) < 8:
        raise ValueError(f"{path}: shorter than 8 bytes")
    (n,) = struct.unpack("<Q", content[:8])
    if n > len(content) - 8:
        raise ValueError(f"{path}: header length {n} beyond the file")
    if n % 8 != 0:
        raise ValueError(f"{path}: header length {n} is not padded to 8 bytes")
    text = content[8:8 + n].decode("utf-8")
    if not text.startswith("{"):
        raise ValueError(f"{path}: header is not an object")
    header = json.loads(text, object_pairs_hook=no_duplicates)
    metadata = header.pop("__metadata__", None)
    data = content[8 + n:]
    entries = sorted(header.items(), key=lambda item: tuple(item[1]["data_offsets"]))
    position, raw = 0, {}
    for name, info in entries:
        begin, end = info["data_offsets"]
        count = 1
        for dim in info["shape"]:
            count *= dim
        if begin != position or end < begin or end - begin != count * DTYPE_SIZES[info["dtype"]]:
            raise ValueError(f"{path}: bad data_offsets for {name}")
        raw[name] = (info["dtype"], tuple(info["shape"]), data[begin:end])
        position = end
    if position != len(data):
        raise ValueError(f"{path}: data section not fully covered")
    return metadata, raw


# ------------------------------------------------------------------------------------------------------ checkpoints

def hf_config(cfg, torch_dtype):
    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
        "attention_bias": False, "attention_dropout": 0.0, "mlp_bias": False, "pretraining_tp": 1,
        "rope_scaling": None, "bos_token_id": 1, "eos_token_id": 2, "use_cache": True, "torch_dtype": torch_dtype,
    }
    config.update(cfg)
    return config


def split_shards(names, sizes, max_shard_bytes):
    """huggingface_hub's split rule: fill in order; a tensor larger than the limit gets its own shard."""
    shards, current, current_size = [], [], 0
    for name in names:
        size = sizes[name]
        if size > max_shard_bytes:
            shards.append([name])
            continue
        if current and current_size + size > max_shard_bytes:
            shards.append(current)
            current, current_size = [], 0
        current.append(name)
        current_size += size
    if current:
        shards.append(current)
    return shards


def write_checkpoint(folder, cfg, weights, dtype, torch_dtype, ids, max_shard_bytes=None):
    os.makedirs(folder, exist_ok=True)
    for existing in os.listdir(folder):
        os.remove(os.path.join(folder, existing))
    metadata = {"format": "pt"}
    names = parameter_names(cfg)
    if max_shard_bytes is None:
        write_safetensors(os.path.join(folder, "model.safetensors"), {n: weights[n] for n in names}, dtype, metadata)
    else:
        sizes = {n: weights[n].numel() * DTYPE_SIZES[dtype] for n in names}
        shards = split_shards(names, sizes, max_shard_bytes)
        weight_map = {}
        for i, shard in enumerate(shards):
            file = f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors"
            write_safetensors(os.path.join(folder, file), {n: weights[n] for n in shard}, dtype, metadata)
            weight_map.update({n: file for n in shard})
        index = {"metadata": {"total_size": sum(sizes.values())}, "weight_map": weight_map}
        with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
            f.write(json.dumps(index, indent=2, sort_keys=True) + "\n")
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write(json.dumps(hf_config(cfg, torch_dtype), indent=2, sort_keys=True) + "\n")
    with torch.no_grad():
        logits = forward(weights, cfg, ids)
    record = {
        "input_ids": ids,
        "shape": list(logits.shape),
        "logits": [[[float("%.9g" % v) for v in row] for row in batch] for batch in logits.tolist()],
    }
    with open(os.path.join(folder, "logits.json"), "w") as f:
        f.write(json.dumps(record) + "\n")


ADAMW = {"lr": 1e-2, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.1, "steps": 6}


def causal_loss(weights, cfg, ids):
    """Mean cross-entropy of token t+1 given tokens 0..t over every position of every row."""
    logits = forward(weights, cfg, ids)
    target = torch.tensor(ids, dtype=torch.long)[:, 1:]
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), target.reshape(-1))


def write_training_record(folder, cfg, weights, ids):
    """gradients.safetensors (every parameter's gradient of the causal loss) and training.json (AdamW losses)."""
    names = parameter_names(cfg)
    params = {n: weights[n].clone().requires_grad_(True) for n in names}
    loss = causal_loss(params, cfg, ids)
    loss.backward()
    write_safetensors(os.path.join(folder, "gradients.safetensors"), {n: params[n].grad for n in names}, "F32", None)

    params = {n: weights[n].clone().requires_grad_(True) for n in names}
    groups = [
        {"params": [params[n] for n in names if params[n].dim() >= 2], "weight_decay": ADAMW["weight_decay"]},
        {"params": [params[n] for n in names if params[n].dim() < 2], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=ADAMW["lr"], betas=tuple(ADAMW["betas"]), eps=ADAMW["eps"])
    losses = []
    for _ in range(ADAMW["steps"]):
        optimizer.zero_grad()
        step_loss = causal_loss(params, cfg, ids)
        losses.append(float("%.9g" % step_loss.item()))
        step_loss.backward()
        optimizer.step()
    record = {"loss": float("%.9g" % loss.item()), "adamw": ADAMW, "adamw_losses": losses}
    with open(os.path.join(folder, "training.json"), "w") as f:
        f.write(json.dumps(record, indent=2) + "\n")


def generate():
    ids = torch.randint(0, BASE_CONFIG["vocab_size"], (2, 12), generator=torch.Generator().manual_seed(7)).tolist()

    untied = dict(BASE_CONFIG, tie_word_embeddings=False)
    weights = random_weights(untied, seed=1234)
    write_checkpoint(os.path.join(HERE, "hf-llama-f32"), untied, weights, "F32", "float32", ids)
    write_training_record(os.path.join(HERE, "hf-llama-f32"), untied, weights, ids)
    rounded = {name: t.to(torch.bfloat16).float() for name, t in weights.items()}
    write_checkpoint(os.path.join(HERE, "hf-llama-bf16"), untied, rounded, "BF16", "bfloat16", ids)

    tied = dict(BASE_CONFIG, tie_word_embeddings=True)
    tied_weights = random_weights(tied, seed=5678)
    write_checkpoint(os.path.join(HERE, "hf-llama-f32-tied-sharded"), tied, tied_weights, "F32",
                     "float32", ids, max_shard_bytes=24 * 1024)
    write_training_record(os.path.join(HERE, "hf-llama-f32-tied-sharded"), tied, tied_weights, ids)


def verify(folder, ids):
    """Loads a checkpoint written by someone else with this script's reader and reports logits and byte identity."""
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f, object_pairs_hook=no_duplicates)
    if config.get("rope_scaling") is not None or config.get("hidden_act", "silu") != "silu":
        raise ValueError("unsupported config")
    cfg = {key: config[key] for key in BASE_CONFIG}
    cfg["tie_word_embeddings"] = bool(config.get("tie_word_embeddings", False))

    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        files = ["model.safetensors"]
    else:
        with open(os.path.join(folder, "model.safetensors.index.json")) as f:
            index = json.load(f, object_pairs_hook=no_duplicates)
        files = sorted(set(index["weight_map"].values()))

    weights, report = {}, {}
    for file in files:
        path = os.path.join(folder, file)
        metadata, raw = read_safetensors(path)
        with open(path, "rb") as f:
            identical = f.read() == serialize(raw, metadata)
        report[file] = {"identical": identical, "dtypes": sorted({dtype for dtype, _, _ in raw.values()}),
                        "metadata": metadata}
        for name, (dtype, shape, data) in raw.items():
            if name in weights:
                raise ValueError(f"{name} stored twice")
            weights[name] = from_bytes(data, dtype, shape)
    expected = set(parameter_names(cfg))
    if set(weights) != expected:
        raise ValueError(f"tensor names differ: missing {sorted(expected - set(weights))}, extra {sorted(set(weights) - expected)}")
    with torch.no_grad():
        logits = forward(weights, cfg, ids)
    json.dump({"logits": logits.tolist(), "files": report}, sys.stdout)
    sys.stdout.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verify", metavar="DIR", help="check a checkpoint written by Reversal and print its logits")
    parser.add_argument("--ids", default="1,2,3", help="token ids for --verify: rows separated by ';', ids by ','")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.verify:
        ids = [[int(x) for x in row.split(",")] for row in args.ids.split(";")]
        verify(args.verify, ids)
    else:
        generate()


if __name__ == "__main__":
    main()
