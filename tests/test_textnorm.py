"""Normalisation keeps an exact map to the original: property tests on generated text."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp_minsheng.textnorm import normalize, reading_before

PIECES = [
    "區(qū)", "實(shí)", "項(xiàng)", "高新區", "2024年", "２０２４年", "不少于30000个", "约500万元", "&nbsp;", "&amp;", "&#x4e2d;",
    "<br>", "<p class='x'>", "</p>", "\u200b", "\ufeff", "\u3000", "\r\n", "\t", "😀", "🎉", "|", " | ", "●", "▶", "（一）",
    "溫暖+1℃", "～", "A", "AED", "é", "ä", "(qū)", "昆山", "玉山鎮(zhèn)", "&lt;", "<", ">", "&", "\x00", "\x07", "�",
]
text_st = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(alphabet=string.printable + "中文实事区镇元年月", max_size=6),
              st.characters()), max_size=40,
).map("".join)


def _check(text: str) -> None:
    n = normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    prev = 0
    for i in range(len(n.text)):
        s, e = n.starts[i], n.ends[i]
        assert 0 <= s < e <= len(text)
        assert s >= prev or n.starts[i] == n.starts[i - 1]  # monotone
        prev = s
    for i in range(len(n.text)):
        for j in range(i + 1, min(len(n.text), i + 6) + 1):
            a, b = n.to_original(i, j)
            assert 0 <= a < b <= len(text)
            back = n.from_original(a, b)
            assert back is not None and back[0] <= i and j <= back[1]


@settings(max_examples=10_000, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(text_st)
def test_offset_map_is_exact_and_monotone(text):
    _check(text)


def test_pinyin_leftovers_removed_and_mapped():
    t = "昆山高新區(qū)(玉山鎮(zhèn))民生實(shí)事"
    n = normalize(t)
    assert n.text == "昆山高新区(玉山镇)民生实事"
    s = n.text.index("高新区")
    a, b = n.to_original(s, s + 3)
    assert t[a:b] == "高新區"  # the leftover after the last character stays outside
    s = n.text.index("民生实事")
    a, b = n.to_original(s, s + 4)
    assert t[a:b] == "民生實(shí)事"  # a leftover between characters stays inside
    assert n.from_original(a, b) == (s, s + 4)
    assert n.from_original(5, 9) is None  # "(qū)" alone: no normalised character


def test_html_fullwidth_zero_width():
    t = "<p>投资&nbsp;１２０万元\u200b</p>"
    n = normalize(t)
    assert n.text == "\n投资 120万元\n"
    s = n.text.index("120")
    assert t[slice(*n.to_original(s, s + 5))] == "１２０万元"


def test_lone_surrogate_does_not_crash():
    n = normalize("區(qū)\ud800實")
    assert n.text == "区\ufffd实" and n.to_original(1, 2) == (5, 6)


def test_english_in_parentheses_is_not_pinyin():
    assert "(AED)" in normalize("除颤器(AED)").text


def test_non_str():
    import pytest

    with pytest.raises(TypeError, match="got bytes"):
        normalize(b"abc")


@pytest.mark.parametrize(("text", "end", "expected"), [
    ("建設驛站60處(chù)", 12, 7), ("改造小區(qū)", 8, 4), ("改造小區", 4, 4),
    ("新建幼儿园(含托班)", 10, 10), ("地铁(Metro)", 9, 9), ("處(chù)", 6, 1), ("處(chù)", 3, 3),
])
def test_reading_before(text: str, end: int, expected: int) -> None:
    assert reading_before(text, end) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2 0 2 1 年 民 生 实 事", "2021年民生实事"), ("项 目 名 称", "项目名称"),
    ("本报记者 王某某 实习生 李某", "本报记者 王某某 实习生 李某"),  # words separated by spaces stay apart
    ("3 5 2 1", "3 5 2 1"), ("a b c d e", "a b c d e"),  # no Chinese: cells or letters, left alone
    ("新 建 幼儿园", "新 建 幼儿园"),  # two single characters are not a spaced-out run
])
def test_spaced_out_text_is_joined_and_offsets_still_map(text: str, expected: str) -> None:
    norm = normalize(text)
    assert norm.text == expected
    for i in range(len(norm.text)):
        s, e = norm.to_original(i, i + 1)
        assert text[s:e].strip() == norm.text[i].strip()
