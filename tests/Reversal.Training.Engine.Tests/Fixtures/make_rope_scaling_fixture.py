#!/usr/bin/env python3
"""Independent reference for Reversal's rope_scaling: inverse frequencies of the "linear", "dynamic" and "llama3"
RoPE types, written in PyTorch from transformers' modeling_rope_utils rules (no transformers import):

    default   inv_freq = 1 / theta ** (arange(0, d, 2) / d)
    linear    inv_freq / factor
    dynamic   seq_len = max(seq_len, max_position_embeddings);
              theta' = theta * (factor * seq_len / max_position_embeddings - (factor - 1)) ** (d / (d - 2))
    llama3    wavelen = 2 pi / inv_freq; inv_freq / factor where wavelen > original / low_freq_factor, unchanged where
              wavelen < original / high_freq_factor, and in between (1 - s) inv_freq / factor + s inv_freq with
              s = (original / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)

Regenerate (deterministic; torch 1.13 on CPU was used), from the repository root:

    /usr/bin/python3 tests/Reversal.Training.Engine.Tests/Fixtures/make_rope_scaling_fixture.py

which writes rope-scaling.json next to this script: a list of cases with their inputs and "inv_freq" (float64).
"""

import json
import math
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def default(d, theta):
    return 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.int64).double() / d))


def linear(d, theta, factor):
    return default(d, theta) / factor


def dynamic(d, theta, factor, max_position_embeddings, seq_len):
    seq_len = max(seq_len, max_position_embeddings)
    base = theta * ((factor * seq_len / max_position_embeddings) - (factor - 1)) ** (d / (d - 2))
    return default(d, base)


def llama3(d, theta, factor, low_freq_factor, high_freq_factor, original):
    inv_freq = default(d, theta)
    low_freq_wavelen = original / low_freq_factor
    high_freq_wavelen = original / high_freq_factor
    wavelen = 2 * math.pi / inv_freq
    scaled = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth = (original / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    medium = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
    return torch.where(medium, smoothed, scaled)


def main():
    cases = []

    def add(name, d, theta, scaling, max_pos, seq_len, inv_freq):
        cases.append({"name": name, "head_dim": d, "rope_theta": theta, "rope_scaling": scaling,
                      "max_position_embeddings": max_pos, "seq_len": seq_len, "inv_freq": inv_freq.tolist()})

    l3 = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}
    add("llama3.1 head 128", 128, 500000.0, l3, 131072, 131072, llama3(128, 500000.0, 8.0, 1.0, 4.0, 8192))
    add("llama3 head 16", 16, 500000.0, l3, 131072, 131072, llama3(16, 500000.0, 8.0, 1.0, 4.0, 8192))
    l3b = {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64}
    add("llama3 small context", 16, 10000.0, l3b, 2048, 2048, llama3(16, 10000.0, 32.0, 1.0, 4.0, 64))
    add("linear", 16, 10000.0, {"rope_type": "linear", "factor": 4.0}, 64, 64, linear(16, 10000.0, 4.0))
    add("dynamic within context", 16, 10000.0, {"rope_type": "dynamic", "factor": 2.0}, 64, 64, dynamic(16, 10000.0, 2.0, 64, 64))
    add("dynamic beyond context", 16, 10000.0, {"rope_type": "dynamic", "factor": 2.0}, 64, 256, dynamic(16, 10000.0, 2.0, 64, 256))
    with open(os.path.join(HERE, "rope-scaling.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
