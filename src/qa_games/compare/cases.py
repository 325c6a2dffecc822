"""Historical cases: scenarios coded from published accounts, retrodicted by each theory.

A case (``models/cases.toml``, ``docs/models.md`` section 5) is a scenario whose every value
carries its source, a one-line justification, whether it is a judgement, and the
range within which it may move given the case's confidence; plus the observed
outcome with its source. :func:`retrodict` puts each case to each model
(:func:`qa_games.compare.theories.predict`) and scores a *hit* when the model's common outcome
(``alignment`` / ``no_alignment``) is the observed one; ``mixed`` outcomes are shown
but not scored. :func:`sensitivity` re-runs every case with each ranged value moved to
either end of its range, one at a time, and reports which moves flip a verdict.

Sources: Cha 1999; Wilkins 2015; Tziarras 2016; FRUS 1969-76 vol. XIX (see
``docs/models.md``, Sources).

>>> cases = load_cases()
>>> [c.id for c in cases][:2]
['jpn_rok_1965_68', 'jpn_rok_1969_71']
>>> cases[1].scenario["c"], cases[1].scenario["x_A"], cases[1].observed.outcome
(Fraction(3, 10), Fraction(4, 5), 'alignment')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from ..errors import ModelError, ParameterError
from ..games import display
from ..modelfiles.scenario import VARIABLES, Scenario, make_scenario

__all__ = ["CodedValue", "Observed", "Case", "Retrodiction", "CaseTable", "load_cases",
           "parse_cases", "retrodict", "sensitivity", "corners", "OBSERVED", "CONFIDENCE",
           "REQUIRED"]

OBSERVED = ("alignment", "no_alignment", "mixed")
CONFIDENCE = ("high", "medium-high", "medium", "low")
#: Every case needs these (from the case, its states or the defaults).
REQUIRED = ("c", "t", "x_A", "x_B", "y_A", "y_B", "k_A", "k_B",
            "phi", "k_W", "a", "theta", "mu_1", "mu_2")


@dataclass(frozen=True)
class CodedValue:
    """One coded scenario value with its provenance."""

    name: str
    value: Fraction
    source: str
    why: str
    judgement: bool = True
    range: tuple[Fraction, Fraction] | None = None


@dataclass(frozen=True)
class Observed:
    outcome: str  # alignment | no_alignment | mixed
    label: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class Case:
    """A historical case: coded values (per scenario variable), observed outcome."""

    id: str
    title: str
    period: str
    states: tuple[str, str]
    confidence: str
    values: Mapping[str, CodedValue]
    observed: Observed

    @property
    def scenario(self) -> Scenario:
        return make_scenario({k: v.value for k, v in self.values.items()}, name=self.id)

    def moved(self, name: str, value: Fraction) -> Scenario:
        """The case's scenario with one value moved."""
        vals = {k: v.value for k, v in self.values.items()}
        vals[name] = value
        return make_scenario(vals, name=self.id)


def _coded(spec: Any, name: str, at: str) -> CodedValue:
    if not isinstance(spec, Mapping):
        raise ModelError(f"{at}: value {name!r}: expected {{ value, source, why, ... }}, "
                         f"got {spec!r}")
    unknown = set(spec) - {"value", "source", "why", "judgement", "range"}
    if unknown:
        raise ModelError(f"{at}: value {name!r}: unknown keys {sorted(unknown)}")
    for key in ("value", "source", "why"):
        if key not in spec:
            raise ModelError(f"{at}: value {name!r}: missing {key!r}")
    p = VARIABLES[name]
    try:
        value = p.check(spec["value"])
    except ParameterError as exc:
        raise ParameterError(f"{at}: value {name!r}: {exc}") from None
    rng = spec.get("range")
    if rng is not None:
        if not isinstance(rng, list) or len(rng) != 2:
            raise ModelError(f"{at}: value {name!r}: range must be [lo, hi], got {rng!r}")
        try:
            lo, hi = (p.check(x) for x in rng)
        except ParameterError as exc:
            raise ParameterError(f"{at}: value {name!r}: range: {exc}") from None
        if not lo <= value <= hi:
            raise ModelError(f"{at}: value {name!r}: {spec['value']} is outside its "
                             f"range {rng}")
        rng = (lo, hi)
    return CodedValue(name, value, str(spec["source"]), str(spec["why"]),
                      bool(spec.get("judgement", True)), rng)


def parse_cases(data: Mapping[str, Any], *, where: str = "cases") -> tuple[Case, ...]:
    """Cases from a parsed cases file; errors name the case and the value."""
    unknown = set(data) - {"sources", "coding", "defaults", "states", "cases"}
    if unknown:
        raise ModelError(f"{where}: unknown tables {sorted(unknown)} "
                         f"(known: cases, coding, defaults, sources, states)")
    defaults = {}
    for name, spec in data.get("defaults", {}).items():
        if name not in VARIABLES:
            raise ParameterError(f"{where}: defaults: unknown scenario variable {name!r} "
                                 f"(known: {', '.join(VARIABLES)})")
        defaults[name] = _coded(spec, name, f"{where}: defaults")
    states: dict[str, dict[str, Any]] = {}
    for sid, table in data.get("states", {}).items():
        at = f"{where}: states.{sid}"
        if not isinstance(table, Mapping):
            raise ModelError(f"{at}: expected a table")
        coded = {}
        for key in ("x", "y", "k"):
            if key not in table:
                raise ModelError(f"{at}: value {key!r} is missing")
            coded[key] = _coded(table[key], key, at)
        states[sid] = {"name": str(table.get("name", sid)), **coded}
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise ModelError(f"{where}: expected [[cases]] entries")
    out, seen = [], set()
    for k, raw in enumerate(raw_cases):
        cid = raw.get("id") if isinstance(raw, Mapping) else None
        if not isinstance(cid, str) or not cid:
            raise ModelError(f"{where}: cases[{k}]: missing id")
        at = f"{where}: case {cid!r}"
        if cid in seen:
            raise ModelError(f"{at}: id given twice")
        seen.add(cid)
        st = raw.get("states")
        if not isinstance(st, list) or len(st) != 2:
            raise ModelError(f"{at}: states must name two states, got {st!r}")
        for s in st:
            if s not in states:
                raise ModelError(f"{at}: unknown state {s!r} (known: {', '.join(states)})")
        conf = raw.get("confidence")
        if conf not in CONFIDENCE:
            raise ModelError(f"{at}: confidence={conf!r} is not one of {', '.join(CONFIDENCE)}")
        values: dict[str, CodedValue] = dict(defaults)
        for side, s in zip("AB", st, strict=False):
            for key in ("x", "y", "k"):
                cv = states[s][key]
                values[f"{key}_{side}"] = CodedValue(f"{key}_{side}", cv.value, cv.source,
                                                     cv.why, cv.judgement, cv.range)
        skip = {"id", "title", "period", "states", "confidence", "observed"}
        for name, spec in raw.items():
            if name in skip:
                continue
            if name not in VARIABLES:
                raise ParameterError(f"{at}: unknown scenario variable {name!r} "
                                     f"(known: {', '.join(VARIABLES)})")
            values[name] = _coded(spec, name, at)
        for name in REQUIRED:
            if name not in values:
                raise ModelError(f"{at}: value {name!r} is missing (give it in the case, "
                                 f"its states or [defaults])")
        obs = raw.get("observed")
        if not isinstance(obs, Mapping) or "outcome" not in obs or "source" not in obs:
            raise ModelError(f"{at}: observed must be {{ outcome, label, source, note }}")
        if obs["outcome"] not in OBSERVED:
            raise ModelError(f"{at}: observed outcome {obs['outcome']!r} is not one of "
                             f"{', '.join(OBSERVED)}")
        observed = Observed(obs["outcome"], str(obs.get("label", obs["outcome"])),
                            str(obs["source"]), str(obs.get("note", "")))
        case = Case(cid, str(raw.get("title", cid)), str(raw.get("period", "")),
                    (st[0], st[1]), conf, MappingProxyType(values), observed)
        try:
            case.scenario  # noqa: B018 (checks the combination, e.g. mu_1 <= mu_2)
        except ParameterError as exc:
            raise ParameterError(f"{at}: {exc}") from None
        out.append(case)
    return tuple(out)


def load_cases(path: str | Path | None = None) -> tuple[Case, ...]:
    """The cases of ``path`` (default: the bundled ``cases.toml``)."""
    from ..modelfiles.files import models_dir, read_toml

    p = Path(path) if path is not None else models_dir() / "cases.toml"
    data, _ = read_toml(p)
    where = f"models/{p.name}" if path is None else str(p)
    return parse_cases(data, where=where)


@dataclass(frozen=True, eq=False)
class Retrodiction:
    """One case put to every model."""

    case: Case
    predictions: tuple[Any, ...]  # qa_games.compare.theories.Prediction

    @property
    def hits(self) -> tuple[bool | None, ...]:
        """Per model: prediction == observed (None when the outcome was mixed)."""
        if self.case.observed.outcome == "mixed":
            return tuple(None for _ in self.predictions)
        return tuple(p.outcome == self.case.observed.outcome for p in self.predictions)

    @property
    def discriminating(self) -> bool:
        return len({p.outcome for p in self.predictions}) > 1


@dataclass(frozen=True, eq=False)
class CaseTable:
    """Every case against every model, with the scores."""

    models: tuple[str, ...]
    theories: tuple[str, ...]
    rows: tuple[Retrodiction, ...]

    def __repr__(self) -> str:
        sc = self.scores
        hits = ", ".join(f"{t} {h}/{n}" for t, h, n in
                         zip(sc["theory"], sc["hits"], sc["scored"], strict=True))
        return display.short(f"<CaseTable: {len(self.rows)} cases x {len(self.models)} models; "
                             f"hits {hits}>")

    def _repr_html_(self) -> str:
        """Notebook display: every case against every model, then the scores."""
        return display.section(f"{len(self.rows)} cases against {', '.join(self.models)}",
                               display.frame_html(self.frame, max_rows=100),
                               "<p>Scores</p>", display.frame_html(self.scores))

    @property
    def frame(self) -> pd.DataFrame:
        recs = []
        for r in self.rows:
            c = r.case
            rec: dict[str, Any] = {"case": c.title, "c": float(c.values["c"].value),
                                   "t": float(c.values["t"].value), "observed": c.observed.label,
                                   "confidence": c.confidence}
            for thy, p, hit in zip(self.theories, r.predictions, r.hits, strict=False):
                rec[thy] = p.label
                rec[f"{thy}_hit"] = "-" if hit is None else ("yes" if hit else "no")
            rec["discriminating"] = r.discriminating
            recs.append(rec)
        return pd.DataFrame(recs)

    @property
    def scores(self) -> pd.DataFrame:
        """Per theory: hits, scored cases, share; also on the discriminating cases only."""
        recs = []
        for k, thy in enumerate(self.theories):
            hits = [h for r in self.rows if (h := r.hits[k]) is not None]
            disc = [h for r in self.rows if (h := r.hits[k]) is not None and r.discriminating]
            recs.append({"theory": thy, "hits": sum(hits), "scored": len(hits),
                         "share": sum(hits) / len(hits) if hits else float("nan"),
                         "discriminating_hits": sum(disc), "discriminating_scored": len(disc)})
        return pd.DataFrame(recs)


def _models(models: Sequence[Any]) -> list[Any]:
    from .theories import _load

    return [_load(m) for m in models]


def retrodict(cases: Sequence[Case], models: Sequence[Any], *,
              selection: str | None = None) -> CaseTable:
    """Each model's prediction for each case, scored against the observed outcome."""
    from ..modelfiles.scenario import scenario_map
    from .theories import _theories, predict

    ms = _models(models)
    maps = [scenario_map(m) for m in ms]
    rows = tuple(Retrodiction(c, tuple(predict(m, c.scenario, selection=selection, smap=mp)
                                       for m, mp in zip(ms, maps, strict=False))) for c in cases)
    return CaseTable(tuple(m.name for m in ms), _theories(ms), rows)


def sensitivity(cases: Sequence[Case], models: Sequence[Any], *,
                selection: str | None = None) -> pd.DataFrame:
    """One row per case, model, ranged value and end of its range: the label there and
    whether the verdict (hit / miss / outcome) flips from the case's coding."""
    from ..modelfiles.scenario import scenario_map
    from .theories import _theories, predict

    ms = _models(models)
    maps = [scenario_map(m) for m in ms]
    theories = _theories(ms)
    recs = []
    for c in cases:
        base = [predict(m, c.scenario, selection=selection, smap=mp)
                for m, mp in zip(ms, maps, strict=True)]
        for name, cv in c.values.items():
            if cv.range is None:
                continue
            for end in sorted(set(cv.range) - {cv.value}):
                try:
                    sc = c.moved(name, end)
                except ParameterError:
                    continue  # e.g. mu_1 > mu_2 at this end: not a possible coding
                for m, mp, thy, b in zip(ms, maps, theories, base, strict=False):
                    p = predict(m, sc, selection=selection, smap=mp)
                    recs.append({"case": c.title, "theory": thy, "variable": name,
                                 "coded": float(cv.value), "moved_to": float(end),
                                 "label": b.label, "moved_label": p.label,
                                 "flips": p.outcome != b.outcome})
    return pd.DataFrame(recs)


def corners(cases: Sequence[Case], models: Sequence[Any], *, variables: Sequence[str] = ("c", "t"),
            selection: str | None = None) -> pd.DataFrame:
    """Joint moves: every corner of the ranges of ``variables`` (values without a range
    stay put); per case and model, how many corners flip the predicted outcome and
    which labels occur."""
    import itertools

    from ..modelfiles.scenario import scenario_map
    from .theories import _theories, predict

    ms = _models(models)
    maps = [scenario_map(m) for m in ms]
    recs = []
    for c in cases:
        axes = [sorted({c.values[v].value, *(c.values[v].range or ())}) for v in variables]
        points = []
        for combo in itertools.product(*axes):
            vals = {k: v.value for k, v in c.values.items()}
            vals.update(dict(zip(variables, combo, strict=True)))
            points.append(make_scenario(vals, name=c.id))
        for m, mp, thy in zip(ms, maps, _theories(ms), strict=True):
            base = predict(m, c.scenario, selection=selection, smap=mp)
            moved = [predict(m, p, selection=selection, smap=mp) for p in points]
            recs.append({"case": c.title, "theory": thy, "label": base.label,
                         "corners": len(points),
                         "flipping": sum(p.outcome != base.outcome for p in moved),
                         "labels seen": ", ".join(sorted({p.label for p in moved}))})
    return pd.DataFrame(recs)
