"""The pair model's network: a cross-encoder over the packaged MiniLM.

Both texts go through the encoder together (``[CLS] a [SEP] b [SEP]``), so every
layer can compare their words; the mean of the last layer feeds two heads:

- ``relation``: three logits, :data:`RELATIONS` (the same fact / something
  else / a contradiction of it);
- ``similarity``: one logit whose sigmoid is a graded similarity in 0-1 (STS-B's
  0-5 scale divided by 5).

The encoder starts from the packaged all-MiniLM-L6-v2; ``train/pair_model.py``
trains either low-rank adapters (LoRA) or the transformer layers themselves.
Only what it trained ships with newsweave (``newsweave/models/pair-judge``: the
adapters or the layers, and the heads; never the word embeddings, which stay
the base's) and is put into the base model when it loads. This module needs
torch and transformers (the ``embed`` extra).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

#: The relation head's classes, in logit order.
RELATIONS = ("same", "other", "contradict")
#: Word pieces kept per pair: claims are clauses, far shorter.
MAX_PAIR_TOKENS = 128


class PairNet(nn.Module):
    """Encoder plus the relation and similarity heads."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.relation = nn.Linear(hidden, len(RELATIONS))
        self.similarity = nn.Linear(hidden, 1)

    def forward(self, input_ids, attention_mask, token_type_ids=None):  # noqa: ANN001, ANN201
        out = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(out.dtype)
        pooled = (out * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.relation(pooled), self.similarity(pooled).squeeze(-1)


def head_state(net: PairNet) -> dict[str, torch.Tensor]:
    return {f"head.{k}": v for k, v in net.state_dict().items() if not k.startswith("encoder.")}


def save_adapter(folder: Path, lora: dict[str, tuple[torch.Tensor, torch.Tensor]],
                 scale: float, net: PairNet, meta: dict) -> None:
    """Write the adapters (``A``, ``B`` per adapted linear layer of the encoder),
    the heads and a small JSON of settings, in fp16."""
    tensors: dict[str, torch.Tensor] = {}
    for name, (a, b) in lora.items():
        tensors[f"lora.{name}.A"] = a
        tensors[f"lora.{name}.B"] = b
    _save(folder, tensors, net, {"lora_scale": scale, **meta})


def save_layers(folder: Path, layers: dict[str, torch.Tensor], net: PairNet, meta: dict) -> None:
    """Write fine-tuned transformer layers (the base's word embeddings are not repeated),
    the heads and the settings, in fp16."""
    _save(folder, {f"layers.{k}": v for k, v in layers.items()}, net,
          {"lora_scale": None, **meta})


def _save(folder: Path, tensors: dict[str, torch.Tensor], net: PairNet, config: dict) -> None:
    """``tensors`` and the heads in fp16, and ``config`` beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {k: v.detach().to(torch.float16).contiguous()
           for k, v in {**tensors, **head_state(net)}.items()}
    save_file(out, str(folder / "adapter.safetensors"))
    (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n",
                                        encoding="utf-8")


def load_pair_net(base: Path, adapter: Path) -> tuple[PairNet, dict]:
    """The base encoder from ``base`` with the adapters in ``adapter`` merged in.

    Raises:
        OSError, KeyError, ValueError: a missing or mismatched file.
    """
    from transformers import AutoModel

    meta = json.loads((adapter / "config.json").read_text(encoding="utf-8"))
    encoder = AutoModel.from_pretrained(str(base))
    tensors = load_file(str(adapter / "adapter.safetensors"))
    modules = dict(encoder.named_modules())
    layers = {k[len("layers."):]: v.float() for k, v in tensors.items() if k.startswith("layers.")}
    if layers:
        result = encoder.load_state_dict(layers, strict=False)
        if result.unexpected_keys:
            raise ValueError(f"pair model layers do not fit the base model: {result}")
    scale = float(meta.get("lora_scale") or 0.0)
    with torch.no_grad():
        for key in [k for k in tensors if k.startswith("lora.") and k.endswith(".A")]:
            name = key[len("lora."):-len(".A")]
            layer = modules[name]
            a = tensors[key].float()
            b = tensors[f"lora.{name}.B"].float()
            if layer.weight.shape != (b.shape[0], a.shape[1]):
                raise ValueError(f"adapter for {name} does not fit the base model")
            layer.weight += scale * (b @ a)
    net = PairNet(encoder)
    heads = {k[len("head."):]: v.float() for k, v in tensors.items() if k.startswith("head.")}
    missing = net.load_state_dict(heads, strict=False)
    if missing.unexpected_keys or any(not k.startswith("encoder.") for k in missing.missing_keys):
        raise ValueError(f"pair model heads do not match: {missing}")
    net.eval()
    return net, meta
