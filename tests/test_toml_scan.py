"""The TOML nesting scan (games.limits.check_toml_nesting), which skips ordinary text with
regular expressions, decides exactly as the character-by-character scan it replaced."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games.games import limits
from qa_games.games.limits import LimitError, check_toml_nesting
from qa_games.modelfiles.files import bundled_files


def reference_scan(text: str) -> int | None:
    """The scan as it was (one character per step): the offending depth, or None."""
    depth = 0
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            line_start = True
            i += 1
            continue
        if c in " \t\r":
            i += 1
            continue
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "\"'":
            triple = text.startswith(c * 3, i)
            quote = c * 3 if triple else c
            j = i + len(quote)
            while j < n:
                if c == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                if not triple and text[j] == "\n":
                    break
                j += 1
            i = j + len(quote)
            line_start = False
            continue
        if line_start and depth == 0 and c == "[":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        line_start = False
        if c in "[{":
            depth += 1
            if depth > limits.MAX_NESTING:
                return depth
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def refused(text: str) -> bool:
    try:
        check_toml_nesting(text)
    except LimitError:
        return True
    return False


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(
    ["[", "]", "{", "}", "[" * 20, "]" * 20, "{" * 20, '"', "'", '"""', "'''", "\\", "\\\"",
     "\n", "\r", "\t", " ", "#", "a", "x = ", "= 1", "[t]\n", "[[t]]\n", "é"]), max_size=60))
def test_the_fast_scan_refuses_exactly_what_the_reference_refuses(pieces):
    text = "".join(pieces)
    assert refused(text) == (reference_scan(text) is not None), repr(text)


@pytest.mark.parametrize("name", sorted(bundled_files()))
def test_bundled_models_pass_both_scans(name):
    text = bundled_files()[name].read_text(encoding="utf-8")
    assert reference_scan(text) is None and not refused(text)
    deep = text + "\nzz = " + "[" * 51 + "]" * 51 + "\n"
    assert reference_scan(deep) is not None and refused(deep)
