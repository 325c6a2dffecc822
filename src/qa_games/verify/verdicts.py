"""Verify a model's propositions two independent ways: counterexample search and proof.

For every statement of every proposition (:mod:`qa_games.modelfiles.propositions`):

1. **Search.** A seeded Hypothesis search draws parameter points inside the domain,
   the model's constraints and the statement's region, computes the outcome from the
   numeric game (:func:`qa_games.solvers.solve.solve`, :func:`qa_games.solvers.selection.select`)
   and looks for a point where the statement fails; a failure is shrunk to a
   simple counterexample.
2. **Proof.** The statement is reduced to polynomial (in)equalities over the domain
   and decided exactly: SymPy where it decides alone, otherwise z3's nonlinear real
   arithmetic on the negation (``unsat`` is a proof; a ``sat`` witness is confirmed
   by solving the game there).

A :class:`Verdict` claims no more than was shown: ``proved`` (every statement proved),
``refuted`` (a counterexample that the numeric game confirms), or ``held`` (held on
``samples`` points, not proved).

>>> from qa_games import load_model
>>> v = verify(load_model("cha_quasi_alliance"), only=["cha-7"], max_examples=10)[0]
>>> v.proposition, v.status, v.counterexample
('cha-7', 'proved', None)
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from hypothesis.errors import Unsatisfiable

from ..analysis.decide import Reduction, Unsupported
from ..errors import ModelError, ParameterError, QAGamesError
from ..games import display
from .prover import prove as prove_statement
from .search import SearchResult, check_point, search
from .strategies import model_constraints

__all__ = ["Verdict", "StatementVerdict", "verify", "verify_models", "require_propositions",
           "STATUSES"]

STATUSES = ("proved", "refuted", "held")


@dataclass(frozen=True)
class StatementVerdict:
    """The verdict on one formal statement of a proposition."""

    formal: str
    status: str
    samples: int
    method: str
    steps: tuple[str, ...]
    conditions: str
    counterexample: dict[str, Fraction] | None = None
    counterexample2: dict[str, Fraction] | None = None
    failure: str = ""
    search_found: bool = False
    proof_status: str = "unknown"


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` established about one proposition."""

    proposition: str
    status: str  # "proved" | "refuted" | "held"
    expected: str
    samples: int
    counterexample: dict[str, Fraction] | None
    conditions: str
    steps: tuple[str, ...]
    methods: tuple[str, ...]
    statements: tuple[StatementVerdict, ...] = field(default=())
    counterexample2: dict[str, Fraction] | None = None
    seed: int = 0

    @property
    def as_expected(self) -> bool:
        """False when a claim declared true is refuted (or one declared false is proved)."""
        if self.expected == "true":
            return self.status != "refuted"
        return self.status != "proved"

    def summary(self) -> str:
        """One line: ``proved``, ``refuted at ...`` or ``held on N samples``."""
        if self.status == "held":
            return f"held on {self.samples} samples (not proved)"
        if self.status == "refuted":
            return f"refuted at {_show(self.counterexample)}"
        return "proved"

    def __repr__(self) -> str:
        return display.short(f"<Verdict {self.proposition}: {self.summary()} "
                             f"(expected {self.expected}"
                             f"{'' if self.as_expected else ', NOT as expected'})>")

    def _repr_html_(self) -> str:
        """Notebook display: the verdict, its exact conditions, each statement's verdict."""
        head = display.html_table(["proposition", "verdict", "expected", "as expected",
                                   "methods", "conditions"],
                                  [[self.proposition, self.summary(), self.expected,
                                    "yes" if self.as_expected else "NO",
                                    ", ".join(self.methods), self.conditions]])
        rows = [[s.formal, s.status, s.method, s.samples,
                 _show(s.counterexample) if s.counterexample else "-"]
                for s in self.statements]
        body = display.html_table(["statement", "status", "method", "samples",
                                   "counterexample"], rows) if rows else ""
        return display.section(f"Verdict on {self.proposition}", head, body,
                               note=f"seed {self.seed}")

    def to_json_dict(self) -> dict[str, Any]:
        def pt(v: dict | None) -> dict | None:
            return None if v is None else {k: str(x) for k, x in v.items()}
        return {
            "id": self.proposition, "status": self.status, "expected": self.expected,
            "samples": self.samples, "seed": self.seed, "methods": list(self.methods),
            "counterexample": pt(self.counterexample),
            "counterexample2": pt(self.counterexample2),
            "conditions": self.conditions,
            "statements": [{"statement": s.formal, "status": s.status, "method": s.method,
                            "samples": s.samples, "counterexample": pt(s.counterexample),
                            "failure": s.failure} for s in self.statements],
        }


def _show(values: dict[str, Fraction] | None) -> str:
    if not values:
        return "-"
    return ", ".join(f"{k}={v}" for k, v in values.items())


def domain_text(model: Any) -> str:
    """The model's parameter domains and constraints as text."""
    parts = [f"{p.name} in {p.domain}" for p in model.parameters]
    parts += [str(c) for c in model_constraints(model)]
    return "; ".join(parts)


def _conditions(model: Any, st: Any) -> str:
    region = "everywhere in the domain" if st.region.strip() == "True" else f"where {st.region}"
    return f"{st.formal().split(' (on:')[0]}, {region}"


def _confirm(model: Any, st: Any, first: dict | None, second: dict | None) -> str:
    """What fails at a z3 witness, judged by the numeric game ('' if it does not fail)."""
    if first is None:
        return ""
    try:
        model.values(first)
        if second is not None:
            model.values(second)
        return check_point(model, st, first, second)
    except QAGamesError:
        return ""


def _prove(model: Any, st: Any) -> Reduction:
    """The symbolic check; for a sequential model, with backward induction at the points
    where the reduction does not apply."""
    if getattr(model, "kind", "normal") != "sequential":
        return prove_statement(model, st)
    from .leader import prove_choice

    try:
        red, suspects = prove_choice(model, st)
    except Unsupported as exc:
        return Reduction("unknown", "none", [f"No exact reduction: {exc}."])
    for point in suspects:
        failure = _confirm(model, st, point, None)
        if failure:
            red.steps.append(f"Backward induction at such a point, {_show(point)}: "
                             f"{failure}.")
            red.status, red.witness, red.method = "refuted", point, "z3 + backward induction"
            return red
    if suspects:
        red.steps.append("Backward induction at such points: the statement holds there; "
                         "not proved.")
    return red


def _one(model: Any, st: Any, *, seed: int, max_examples: int, prove_it: bool,
         search_it: bool) -> StatementVerdict:
    found = SearchResult(0)
    if search_it:
        try:
            found = search(model, st, seed=seed, max_examples=max_examples)
        except Unsatisfiable:
            found = SearchResult(0, detail="no point of the region was drawn")
    red = _prove(model, st) if prove_it else None
    steps = tuple(red.steps) if red else ()
    method = red.method if red else "none"
    conditions = _conditions(model, st)
    if found.counterexample is not None:
        methods = "hypothesis" + (f" + {method}" if red and red.status == "refuted" else "")
        return StatementVerdict(st.formal(), "refuted", found.examples, methods, steps,
                                conditions, found.counterexample, found.counterexample2,
                                found.detail, True, red.status if red else "unknown")
    if red is not None and red.status == "refuted":
        failure = _confirm(model, st, red.witness, red.witness2)
        if failure:
            return StatementVerdict(st.formal(), "refuted", found.examples, method, steps,
                                    conditions, red.witness, red.witness2, failure, False,
                                    "refuted")
        steps += ("The z3 witness was not confirmed by solving the game there "
                  "(an irrational point, rounded); no verdict from the proof.",)
    if red is not None and red.status == "proved":
        return StatementVerdict(st.formal(), "proved", found.examples, method, steps,
                                conditions, proof_status="proved")
    return StatementVerdict(st.formal(), "held", found.examples, "hypothesis", steps,
                            conditions, failure=found.detail,
                            proof_status=red.status if red else "unknown")


def require_propositions(model: Any) -> None:
    """Refuse, with one clear line, a model kind that states no propositions (a tree or
    signalling model): it can be solved, not verified."""
    if not hasattr(model, "propositions"):
        raise ModelError(f"{model.name}: a {type(model).__name__} has no [[propositions]] to "
                         f"verify (solve it: qa-games solve {model.name})")


def _selected(model: Any, only: Iterable[str] | None) -> list[Any]:
    """The model's propositions, those named in ``only`` if given (checked)."""
    require_propositions(model)
    props = list(model.propositions)
    if only is not None:
        wanted = list(only)
        known = {p.id for p in props}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise ParameterError(f"only={unknown!r}: no such proposition in {model.name} "
                                 f"(known: {', '.join(sorted(known)) or 'none'})")
        props = [p for p in props if p.id in wanted]
    return props


def verify(model: Any, *, seed: int = 0, max_examples: int = 100,
           only: Iterable[str] | None = None, prove: bool = True,
           search: bool = True) -> list[Verdict]:
    """A :class:`Verdict` per proposition of ``model`` (those in ``only`` if given).

    ``max_examples`` bounds the Hypothesis search per statement (``seed`` makes it
    reproducible); ``prove=False`` or ``search=False`` skips one of the two checks.
    """
    if not isinstance(max_examples, int) or max_examples < 1:
        raise ParameterError(f"max_examples={max_examples!r} must be a positive integer")
    props = _selected(model, only)
    out = []
    for prop in props:
        parts = tuple(_one(model, st, seed=seed, max_examples=max_examples, prove_it=prove,
                           search_it=search) for st in prop.statements)
        refuted = [s for s in parts if s.status == "refuted"]
        if refuted:
            status = "refuted"
        elif all(s.status == "proved" for s in parts):
            status = "proved"
        else:
            status = "held"
        first = refuted[0] if refuted else None
        samples = sum(s.samples for s in parts)
        steps = tuple(x for s in parts for x in s.steps)
        methods = tuple(dict.fromkeys(m for s in parts for m in s.method.split(" + ")))
        conditions = (f"For every parameter point with {domain_text(model)}: "
                      + "; ".join(s.conditions for s in parts) + ".")
        out.append(Verdict(prop.id, status, prop.expected, samples,
                           first.counterexample if first else None, conditions, steps,
                           methods, parts, first.counterexample2 if first else None, seed))
    return out


_FORKED: list[tuple[Any, dict[str, Any]]] = []  # what forked workers verify, by index


def _verify_timed(index: int, pid: str) -> tuple[Verdict, float]:
    model, options = _FORKED[index]
    start = time.perf_counter()
    (verdict,) = verify(model, **{**options, "only": [pid]})
    return verdict, time.perf_counter() - start


def verify_models(models: Sequence[Any], *, jobs: int | None = None, **options: Any
                  ) -> list[tuple[list[Verdict], float]]:
    """:func:`verify` on each model (``options`` as its keywords), with the seconds each
    took, its propositions shared out over ``jobs`` processes: by default the CPUs
    available to this process. Each statement's search is seeded on its own, so the
    verdicts do not depend on ``jobs``; without ``fork`` (not POSIX) the models are
    verified one by one. The seconds are each model's sum over its propositions.

    >>> from qa_games import load_model
    >>> [(v[0].proposition, v[0].status) for v, _ in verify_models(
    ...     [load_model("cha_quasi_alliance")], only=["cha-7"], max_examples=10)]
    [('cha-7', 'proved')]
    """
    import multiprocessing

    from ..solvers.compiled import threads

    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"jobs={jobs!r} must be a positive integer")
    models = list(models)
    tasks = [(i, p.id) for i, m in enumerate(models)
             for p in _selected(m, options.get("only"))]  # every name checked first
    workers = min(jobs if jobs is not None else threads(), len(tasks))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for m in models:
            start = time.perf_counter()
            verdicts = verify(m, **options)
            out.append((verdicts, time.perf_counter() - start))
        return out
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _FORKED[:] = [(m, options) for m in models]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")
                                 ) as pool:
            futures = [pool.submit(_verify_timed, i, pid) for i, pid in tasks]
            done = [f.result() for f in futures]
    except BrokenProcessPool:
        raise QAGamesError(f"a verification process ended abruptly (killed, or out of "
                           f"memory) with {workers} processes; jobs=1 verifies in this "
                           f"process") from None
    finally:
        _FORKED.clear()
    by_model: list[list[Verdict]] = [[] for _ in models]
    seconds = [0.0] * len(models)
    for (i, _), (verdict, took) in zip(tasks, done, strict=True):
        by_model[i].append(verdict)
        seconds[i] += took
    return list(zip(by_model, seconds, strict=True))
