"""Fuzzing: model files and ``.nfg`` text generated from their grammars, then mutated.

Hypothesis strategies build valid model files (players, strategies, parameters with
domains and defaults, derived quantities, payoffs for every profile, constraints, named
profiles, labels, thresholds) and valid ``.nfg`` text (payoff and outcome formats) from
the grammars the readers document, and a mutator damages them the way careless or
hostile users do: inserted bytes (non-ASCII letters, ``#``, control characters), deleted
or repeated spans, huge numbers, deep nesting. Each example runs ``qa-games solve`` and
``qa-games sweep`` in a forked child capped at 500 MB more than its start and 5 CPU
seconds (:mod:`capped`), and must end in exit 0, or exit 2 with exactly one stderr line
and no traceback. Valid generated files of the polynomial kind must solve (exit 0).

The default profile runs a few examples per test (the whole file in well under a
minute); ``HYPOTHESIS_PROFILE=fuzz`` runs many (``FUZZ_EXAMPLES``, default 2000, per test).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qa_games.cli.solve  # noqa: F401  (preloaded: the capped child should not import)
import qa_games.cli.sweep  # noqa: F401
from capped import run_cli

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000")) if FUZZ else 5
fuzz_settings = settings(max_examples=EXAMPLES, deadline=None, derandomize=not FUZZ,
                         suppress_health_check=[HealthCheck.too_slow,
                                                HealthCheck.function_scoped_fixture,
                                                HealthCheck.data_too_large])

NAMES = st.sampled_from(["c", "t", "x_A", "y_B", "phi", "k", "alpha", "mu_1", "minimum",
                         "reduce", "where", "select", "numpy", "e", "E", "I", "pi", "S",
                         "Q", "N", "beta", "gamma", "lambda_", "zeta", "x0", "Abs"])
STRATEGY_NAMES = st.sampled_from(["C", "D", "cooperate", "defect", "left", "right", "mid",
                                  "H", "T", "balance", "bandwagon"])

# -- numbers and expressions from the grammar -------------------------------------------

INTEGERS = st.integers(-30, 30).map(str)
DECIMALS = st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 99), st.integers(0, 999))
EXPONENTS = st.builds(lambda a, e: f"{a}e{e}", st.integers(1, 9), st.integers(-5, 5))
NUMBERS = st.one_of(INTEGERS, DECIMALS, EXPONENTS)


def polynomials(names: list[str]) -> st.SearchStrategy[str]:
    """Expressions that are defined everywhere: + - * with small powers, min, max, abs."""
    atoms = st.one_of(NUMBERS, st.sampled_from(names)) if names else NUMBERS
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.builds(lambda a, o, b: f"({a} {o} {b})", inner, st.sampled_from("+-*"), inner),
            st.builds(lambda a, k: f"({a})**{k}", inner, st.integers(0, 3)),
            st.builds(lambda f, a, b: f"{f}({a}, {b})", st.sampled_from(["min", "max"]),
                      inner, inner),
            st.builds(lambda a: f"abs({a})", inner),
            st.builds(lambda a: f"-{a}", inner),
        ),
        max_leaves=8,
    )


def expressions(names: list[str]) -> st.SearchStrategy[str]:
    """Any expression of the grammar, including ones undefined somewhere."""
    atoms = st.one_of(NUMBERS, st.sampled_from(names)) if names else NUMBERS
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.builds(lambda a, o, b: f"({a} {o} {b})", inner, st.sampled_from(
                ["+", "-", "*", "/", "**"]), inner),
            st.builds(lambda f, a: f"{f}({a})", st.sampled_from(["sqrt", "exp", "log", "abs"]),
                      inner),
            st.builds(lambda f, a, b: f"{f}({a}, {b})",
                      st.sampled_from(["min", "max", "Min", "Max"]), inner, inner),
        ),
        max_leaves=10,
    )


@st.composite
def model_files(draw: st.DrawFn, *, safe: bool) -> tuple[str, list[str]]:
    """A model file's text and its parameter names (``safe``: polynomial payoffs only)."""
    n = draw(st.integers(1, 3))
    players = [f"P{i}" for i in range(n)]
    strategies = [draw(st.lists(STRATEGY_NAMES, min_size=1, max_size=3, unique=True))
                  for _ in range(n)]
    params = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    lines = ["[model]", 'name = "fuzz"', f"players = {json.dumps(players)}",
             f"strategies = {json.dumps(strategies)}"]
    if not safe and draw(st.booleans()):
        cond = f"{draw(st.sampled_from(params))} {draw(st.sampled_from(['<', '<=', '>=']))} " \
               f"{draw(expressions(params))}"
        lines.append(f"constraints = [{json.dumps(cond)}]")
    lines += ["", "[parameters]"]
    for p in params:
        lo = draw(st.integers(-3, 2))
        hi = lo + draw(st.integers(1, 4))
        default = draw(st.fractions(lo, hi, max_denominator=8))
        lines.append(f'{p} = {{ domain = "[{lo}, {hi}]", default = "{default}" }}')
    names = list(params)
    lines += ["", "[derived]"]
    for k in range(draw(st.integers(0, 2))):
        dname = f"d{k}"
        expr = draw(polynomials(names) if safe else expressions(names))
        lines.append(f"{dname} = {json.dumps(expr)}")
        names.append(dname)
    lines += ["", "[payoffs]"]
    gen = polynomials(names) if safe else expressions(names)
    profiles = [[]]
    for s in strategies:
        profiles = [p + [x] for p in profiles for x in s]
    for prof in profiles:
        pays = [draw(gen) for _ in players]
        lines.append(f"{json.dumps(','.join(prof))} = {json.dumps(pays)}")
    lines += ["", "[profiles]", f"first = {json.dumps(profiles[0])}", "",
              "[outcomes]", 'labels = { good = "first" }', 'otherwise = "other"']
    if draw(st.booleans()):
        th = draw(polynomials(names) if safe else expressions(names))
        lines += ["", "[sweep]", f"thresholds = {{ {params[0]} = [{json.dumps(th)}] }}"]
    return "\n".join(lines) + "\n", params


@st.composite
def nfg_texts(draw: st.DrawFn) -> str:
    """A valid Gambit .nfg text (payoff or outcome format)."""
    n = draw(st.integers(1, 3))
    counts = [draw(st.integers(1, 3)) for _ in range(n)]
    size = 1
    for k in counts:
        size *= k
    number = st.one_of(INTEGERS, DECIMALS, EXPONENTS,
                       st.builds(lambda a, b: f"{a}/{b}", st.integers(-9, 9),
                                 st.integers(1, 9)))
    players = " ".join(f'"P{i}"' for i in range(n))
    if draw(st.booleans()):
        strat = "{ " + " ".join(map(str, counts)) + " }"
    else:
        strat = "{ " + " ".join("{ " + " ".join(f'"s{j}"' for j in range(k)) + " }"
                                for k in counts) + " }"
    head = f'NFG 1 R "fuzz" {{ {players} }} {strat} ""\n'
    if draw(st.booleans()):
        pays = " ".join(draw(number) for _ in range(size * n))
        return head + pays + "\n"
    outcomes = draw(st.integers(1, size))
    body = "{ " + " ".join("{ \"o\" " + ", ".join(draw(number) for _ in range(n)) + " }"
                           for _ in range(outcomes)) + " }\n"
    idx = " ".join(str(draw(st.integers(0, outcomes))) for _ in range(size))
    return head + body + idx + "\n"


# -- mutations ---------------------------------------------------------------------------------

NASTY = st.sampled_from([
    "\uff43", "\U0001d450", "#", "\x00", "\x07", "\\", "`", "$", "?", ";", "^", "@", "%",
    "\u00b2", "\u0663", "'", '"', "[", "]", "{", "}", ",", "=", "\n", "e999999999",
    "1e999999999", "9" * 5000, "0." + "1" * 5000, "**(10**60)", "**64**64", "[" * 200,
    "exp(exp(exp(exp(10))))", "log(0)", "sqrt(-1)", "1/(log(4) - 2*log(2))", "1000000000",
    "-0", "nan", "inf", "1e400", "__import__('os')", "minimum", "\ufeff", "\u200b",
    "\x1b[31m", "\x1b]0;t\x07", "\u202e", "\u2066", "\u2003", "\u00a0", "\x1c", "\x7f", "\x85",
    "\u2028", "\ue000", "\t", "\r", "\uff23",
])


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy) -> str:
    text = draw(base)
    if isinstance(text, tuple):
        text = text[0]
    for _ in range(draw(st.integers(1, 3))):
        if not text:
            break
        k = draw(st.integers(0, len(text) - 1))
        op = draw(st.sampled_from(["insert", "delete", "repeat", "replace_number"]))
        if op == "insert":
            text = text[:k] + draw(NASTY) + text[k:]
        elif op == "delete":
            text = text[:k] + text[k + draw(st.integers(1, 20)):]
        elif op == "repeat":
            span = text[k:k + draw(st.integers(1, 30))]
            text = text[:k] + span * draw(st.integers(2, 50)) + text[k:]
        else:
            digits = [i for i, ch in enumerate(text) if ch.isdigit()]
            if digits:
                j = draw(st.sampled_from(digits))
                text = text[:j] + draw(NASTY) + text[j + 1:]
    return text


# -- the properties ----------------------------------------------------------------------------


LOG = os.environ.get("FUZZ_LOG")  # a file: one line per example run, failures in full


def _log(line: str) -> None:
    if LOG:
        with open(LOG, "a", encoding="utf-8") as fh:
            fh.write(line.replace("\n", "\\n")[:20000] + "\n")


def assert_clean(out, *, must_succeed: bool = False) -> None:
    """Exit 0, or exit 2 with one stderr line and no traceback; in the caps."""
    ok = (not out.timed_out and out.signal is None and "Traceback" not in out.stderr
          and out.code in (0, 2) and (out.code == 0 or (len(out.lines) == 1
                                                          and out.lines[0].isprintable()))
          and (out.code == 0 or not must_succeed))
    _log(f"example code={out.code} cpu={out.cpu:.2f}" if ok else
         f"FAILURE {out.describe()}")
    assert not out.timed_out and out.signal is None, out.describe()
    assert "Traceback" not in out.stderr, out.describe()
    if must_succeed:
        assert out.code == 0, out.describe()
    assert out.code in (0, 2), out.describe()
    if out.code == 2:
        assert len(out.lines) == 1, out.describe()
        # the error never echoes a control, format or invisible character raw
        assert out.lines[0].isprintable(), out.describe()


SWEEP_POINTS = 3
# A sweep solves SWEEP_POINTS games, each of which may take up to the single-solve cap
# (an exact 3x3x3 solve takes about 3 s of CPU): the sweep's CPU cap is that many times
# the solve's. (A 30-minute fuzz run found a valid 3x3x3 model whose 3-point sweep takes 8 s:
# legitimate work, not a hang, killed by the 5 s cap meant for one solve.)
SWEEP_CPU_S = 5 * SWEEP_POINTS
# A valid 3x3x3 model takes about 3 s of CPU to solve exactly on an idle machine, and a
# 30-minute run saw one pass 5 s while the other core was busy: valid models get twice the
# cap meant for hostile input (which must end in one line well within it).
VALID_SOLVE_CPU_S = 10


def _sweep_args(path: Path, params: list[str]) -> list[str]:
    return ["sweep", str(path), "--vary", f"{params[0]}=0:1:{SWEEP_POINTS}", "--no-progress",
            "--out", str(path.with_suffix(".csv"))]


@pytest.mark.parametrize("kind", ["solve", "sweep"])
@fuzz_settings
@given(data=model_files(safe=True))
def test_valid_polynomial_models_solve(tmp_path_factory, kind, data):
    text, params = data
    path = tmp_path_factory.mktemp("m") / "m.toml"
    path.write_text(text, encoding="utf-8")
    _log(f"input {text[:3000]!r}")
    if kind == "solve":
        assert_clean(run_cli(["solve", str(path)], cpu_s=VALID_SOLVE_CPU_S), must_succeed=True)
    else:  # 0:1:3 may leave a domain: then one clear line
        assert_clean(run_cli(_sweep_args(path, params), cpu_s=SWEEP_CPU_S))


@fuzz_settings
@given(data=model_files(safe=False))
def test_any_grammar_model_ends_cleanly(tmp_path_factory, data):
    text, params = data
    path = tmp_path_factory.mktemp("m") / "m.toml"
    path.write_text(text, encoding="utf-8")
    _log(f"input {text[:3000]!r}")
    assert_clean(run_cli(["solve", str(path)]))
    assert_clean(run_cli(_sweep_args(path, params), cpu_s=SWEEP_CPU_S))
    assert not list(path.parent.glob("*.chunks")), "a checkpoint was left behind"


@fuzz_settings
@given(text=mutated(model_files(safe=False)))
def test_mutated_models_end_cleanly(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("m") / "m.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _log(f"input {text[:3000]!r}")
    assert_clean(run_cli(["solve", str(path)]))
    assert_clean(run_cli(["sweep", str(path), "--vary", "c=0:1:3", "--no-progress"],
                         cpu_s=SWEEP_CPU_S))


@fuzz_settings
@given(text=nfg_texts())
def test_valid_nfg_solves(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("g") / "g.nfg"
    path.write_text(text, encoding="utf-8")
    _log(f"input {text[:3000]!r}")
    assert_clean(run_cli(["solve", str(path), "--json"]), must_succeed=True)


@fuzz_settings
@given(text=mutated(nfg_texts()))
def test_mutated_nfg_ends_cleanly(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("g") / "g.nfg"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _log(f"input {text[:3000]!r}")
    assert_clean(run_cli(["solve", str(path)]))
