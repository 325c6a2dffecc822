"""An interactive explorer of a model: one self-contained HTML page, no server.

:func:`explorer_page` turns a two-player normal-form model into a page with a slider
per parameter of its payoffs. At the chosen point the page shows the payoff matrix,
every equilibrium (support enumeration of the bimatrix game, Nash 1951; as in
:mod:`qa_games.solvers.vertex_enumeration`'s exact solver for nondegenerate games), the
equilibrium the model's selection rule picks (Harsanyi & Selten 1988: payoff
dominance, then risk dominance; :mod:`qa_games.solvers.selection`) and the theory's
label, ``undecided`` where the rule cannot choose. A region map of two chosen
parameters (the others at the sliders' values) is recomputed as the sliders move,
with the chosen point on it.

The page computes in the browser, in floating point: the payoffs are the model's
symbolic payoffs printed as JavaScript by SymPy's ``jscode`` printer (names are the
model's checked identifiers, renamed ``v_<name>``; no model text is ever evaluated as
code), equilibria by support enumeration with a tolerance of 1e-9 and a flag on
degenerate games (where the exact solver of ``qa-games solve`` lists every extreme
equilibrium and the page may show fewer). Everything is in the file: no external
script, font or style, so it works from ``file://`` and offline. The URL fragment holds
the point (``page.html#c=0.2&t=1``), so a view can be shared; ``#grid=c:0:1:11,t:0:2:5``
makes the page write the labels and equilibrium counts of that grid into
``<pre id="grid-output">`` (used by the tests to check the page against
:func:`qa_games.solve`).

>>> from qa_games import load_model
>>> page = explorer_page(load_model("cha_quasi_alliance"))
>>> page.startswith("<!DOCTYPE html>") and "<script src" not in page
True
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from ..errors import ParameterError, UnsupportedGameError

__all__ = ["explorer_page", "write_explorer", "explorer_data", "COLOURS"]

#: Region colours, in label order (the figures' palette).
COLOURS = ("#4e9a6b", "#d1495b", "#3b6ea8", "#edae49", "#8d6a9f", "#66a5ad", "#8c8c8c")
_STEPS = 200


def _js(expr: Any, names: dict[str, str]) -> str:
    import sympy
    from sympy.printing.jscode import jscode

    expr = sympy.sympify(expr)
    subs = {s: sympy.Symbol(names[str(s)], real=True) for s in expr.free_symbols}
    return jscode(expr.xreplace(subs))


def _bounds(p: Any) -> tuple[float, float, float]:
    """Slider range and step for a parameter's domain (open ends pulled in one step,
    infinite ends capped at a multiple of the default)."""
    d = p.domain
    default = float(p.default)
    lo = float(d.lower) if d.lower is not None else min(-10.0, -4 * abs(default))
    hi = float(d.upper) if d.upper is not None else max(10.0, 4 * abs(default) or 10.0)
    step = (hi - lo) / _STEPS
    if d.lower is None or not d.lower_closed:
        lo += step
    if d.upper is None or not d.upper_closed:
        hi -= step
    return lo, hi, step


def _relation(rel: Any, names: dict[str, str]) -> dict[str, str] | None:
    import sympy

    ops = {sympy.LessThan: "<=", sympy.StrictLessThan: "<", sympy.GreaterThan: ">=",
           sympy.StrictGreaterThan: ">", sympy.Equality: "==", sympy.Unequality: "!="}
    op = ops.get(type(rel))
    if op is None:
        return None
    return {"text": str(rel), "op": op, "lhs": _js(rel.lhs - rel.rhs, names)}


def _axes(model: Any, shown: list[str], axes: tuple[str, str] | None) -> list[str]:
    if axes is not None:
        for a in axes:
            if a not in shown:
                raise ParameterError(f"axes: {a!r} is not a parameter of the payoffs "
                                     f"(known: {', '.join(shown)})")
        if axes[0] == axes[1]:
            raise ParameterError("axes: give two different parameters")
        return list(axes)
    if len(shown) < 2:
        raise UnsupportedGameError(f"{model.name}: the payoffs depend on "
                                   f"{len(shown)} parameter(s); a region map needs two")
    first = [p for p in model.raw.get("sweep", {}).get("thresholds", {}) if p in shown]
    x = first[0] if first else shown[0]
    return [x, next(p for p in shown if p != x)]


def explorer_data(model: Any, *, axes: tuple[str, str] | None = None,
                  resolution: int = 80) -> dict[str, Any]:
    """Everything the page needs about ``model``, as JSON-ready data."""
    from ..modelfiles.normal_form import Model

    if not isinstance(model, Model):
        raise UnsupportedGameError(f"{getattr(model, 'name', model)!r}: the explorer needs a "
                                   "normal-form model (kind = \"normal\")")
    game = model.game
    if game.n_players != 2:
        raise UnsupportedGameError(f"{model.name}: the explorer solves two-player games; "
                                   f"this one has {game.n_players} players")
    if not 10 <= resolution <= 400:
        raise ParameterError(f"resolution={resolution!r} must be from 10 to 400")
    used = set()
    for arr in game.payoffs:
        for e in arr.flat:
            used |= {str(s) for s in e.free_symbols}
    shown = [p.name for p in model.parameters if p.name in used]
    names = {p.name: f"v_{p.name}" for p in model.parameters}
    params = []
    for p in model.parameters:
        if p.name not in used:
            continue
        lo, hi, step = _bounds(p)
        params.append({"name": p.name, "min": lo, "max": hi, "step": step,
                       "default": float(p.default), "exact_default": str(p.default),
                       "domain": str(p.domain), "description": p.description})
    m, n = game.shape
    payoffs = [[[_js(game.payoffs[k][i, j], names) for k in range(2)] for j in range(n)]
               for i in range(m)]
    constraints = [r for c in game.constraints
                   if {str(s) for s in c.free_symbols} <= used
                   and (r := _relation(c, names)) is not None]
    labels = [lab for lab, _ in model.labels]
    order = list(dict.fromkeys([*labels, model.otherwise]))
    return {
        "name": model.name, "title": model.title, "description": " ".join(
            model.description.split()),
        "players": list(game.players), "strategies": [list(s) for s in game.strategies],
        "parameters": params,
        "unused": [p.name for p in model.parameters if p.name not in used],
        "payoffs": payoffs, "constraints": constraints,
        "profiles": {k: list(v) for k, v in model.profiles.items()},
        "labels": [[lab, list(model.profiles[pn])] for lab, pn in model.labels],
        "otherwise": model.otherwise, "selection": model.selection,
        "colours": {lab: COLOURS[k % len(COLOURS)] for k, lab in enumerate(order)},
        "axes": _axes(model, shown, axes), "resolution": resolution,
        "variables": [names[p] for p in shown], "shown": shown,
    }


def _json(x: Any) -> str:
    """JSON safe inside a <script> element: no ``<`` (so no ``</script>``, no ``<!--``)."""
    return json.dumps(x).replace("<", "\\u003c").replace(">", "\\u003e")


def _payoff_function(data: dict[str, Any]) -> str:
    """The JavaScript of ``payoffs(v)``: the bimatrix at slider values ``v``; only the
    model's checked identifiers (as ``v_<name>``) and SymPy's printed arithmetic."""
    lines = ["function payoffsAt(v) {"]
    for name, var in zip(data["shown"], data["variables"], strict=True):
        lines.append(f"  const {var} = v[{_json(name)}];")
    rows = []
    for row in data["payoffs"]:
        cells = ", ".join(f"[{a}, {b}]" for a, b in row)
        rows.append(f"[{cells}]")
    lines.append("  const cells = [" + ", ".join(rows) + "];")
    lines.append("  return {A: cells.map(r => r.map(c => c[0])), "
                 "B: cells.map(r => r.map(c => c[1]))};")
    lines.append("}")
    lines.append("function constraintsAt(v) {")
    for name, var in zip(data["shown"], data["variables"], strict=True):
        lines.append(f"  const {var} = v[{_json(name)}];")
    checks = ", ".join(f"[{_json(c['text'])}, {_json(c['op'])}, {c['lhs']}]"
                       for c in data["constraints"])
    lines.append(f"  return [{checks}];")
    lines.append("}")
    return "\n".join(lines)


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px;
       color: #222; padding: 0 1em; }
h1 { font-size: 1.35em; } h2 { font-size: 1.1em; margin-top: 1.2em; }
.wrap { display: flex; gap: 2em; flex-wrap: wrap; }
.col { flex: 1 1 420px; min-width: 320px; } .col.params { flex: 0 1 380px; }
.slider { display: grid; grid-template-columns: 5.5em 1fr 5em; gap: .4em;
          align-items: center; margin: .15em 0; }
.slider small { grid-column: 1 / 4; color: #666; margin-top: -.2em; }
table { border-collapse: collapse; margin: .4em 0; }
td, th { border: 1px solid #bbb; padding: .2em .45em; text-align: right; font-size: .92em; }
th { background: #f3f3f3; }
.label { font-size: 1.15em; font-weight: bold; padding: .15em .5em; border-radius: 4px;
         color: white; }
.note { color: #8a4b00; } .muted { color: #666; }
canvas { border: 1px solid #999; image-rendering: pixelated; }
#legend span { display: inline-block; margin-right: 1em; }
#legend i { display: inline-block; width: 1em; height: 1em; vertical-align: middle;
            margin-right: .3em; border: 1px solid #999; }
"""

# The page's program. It reads the model from <script id="model-data"> and never puts
# model text into HTML (textContent only).
_APP = r"""
const DATA = JSON.parse(document.getElementById("model-data").textContent);
const TOL = 1e-9;
const state = {};
for (const p of DATA.parameters) state[p.name] = p.default;

function fmt(x) {
  if (!isFinite(x)) return String(x);
  if (Math.abs(x) < 1e-12) return "0";
  const s = Number(x.toPrecision(4));
  return String(s);
}
function combos(n, k) {
  const out = [];
  (function rec(start, acc) {
    if (acc.length === k) { out.push(acc.slice()); return; }
    for (let i = start; i < n; i++) { acc.push(i); rec(i + 1, acc); acc.pop(); }
  })(0, []);
  return out;
}
// Solve M z = b (square), Gaussian elimination with partial pivoting; null if singular.
function linsolve(M, b) {
  const n = b.length, a = M.map((r, i) => r.concat([b[i]]));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-12) return null;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((r, i) => r[n] / r[i]);
}
// The mixed strategy on support J of the opponent that makes rows I of M indifferent.
function indifferent(M, I, J) {
  const k = I.length, rows = [], rhs = [];
  for (const i of I) { rows.push(J.map(j => M[i][j]).concat([-1])); rhs.push(0); }
  rows.push(J.map(() => 1).concat([0])); rhs.push(1);
  const z = linsolve(rows, rhs);
  if (z === null) return null;
  return z.slice(0, k);
}
function degenerate(A, B) {
  const m = A.length, n = A[0].length;
  let scale = 1;
  for (const r of A.concat(B)) for (const x of r) scale = Math.max(scale, Math.abs(x));
  const tol = TOL * scale;
  for (let i = 0; i < m; i++) for (let i2 = i + 1; i2 < m; i2++)
    for (let j = 0; j < n; j++) if (Math.abs(A[i][j] - A[i2][j]) <= tol) return true;
  for (let j = 0; j < n; j++) for (let j2 = j + 1; j2 < n; j2++)
    for (let i = 0; i < m; i++) if (Math.abs(B[i][j] - B[i][j2]) <= tol) return true;
  return false;
}
// Every equilibrium found by support enumeration (equal-size supports).
function equilibria(A, B) {
  const m = A.length, n = A[0].length;
  const BT = B[0].map((_, j) => B.map(r => r[j]));
  let scale = 1;
  for (const r of A.concat(B)) for (const x of r) scale = Math.max(scale, Math.abs(x));
  const tol = TOL * scale, out = [];
  for (let k = 1; k <= Math.min(m, n); k++) {
    for (const I of combos(m, k)) for (const J of combos(n, k)) {
      const yJ = indifferent(A, I, J), xI = indifferent(BT, J, I);
      if (yJ === null || xI === null) continue;
      if (yJ.some(p => p < -TOL) || xI.some(p => p < -TOL)) continue;
      const x = new Array(m).fill(0), y = new Array(n).fill(0);
      I.forEach((i, t) => x[i] = Math.max(0, xI[t]));
      J.forEach((j, t) => y[j] = Math.max(0, yJ[t]));
      const Ay = A.map(r => r.reduce((s, a, j) => s + a * y[j], 0));
      const xB = B[0].map((_, j) => B.reduce((s, r, i) => s + x[i] * r[j], 0));
      const u = x.reduce((s, p, i) => s + p * Ay[i], 0);
      const w = y.reduce((s, q, j) => s + q * xB[j], 0);
      if (Math.max(...Ay) > u + tol || Math.max(...xB) > w + tol) continue;
      const same = out.some(e => e.x.every((p, i) => Math.abs(p - x[i]) < 1e-7) &&
                                 e.y.every((q, j) => Math.abs(q - y[j]) < 1e-7));
      if (!same) out.push({x: x, y: y, u: [u, w]});
    }
  }
  return out;
}
function pureOf(e) {
  const i = e.x.findIndex(p => p >= 1 - 1e-9), j = e.y.findIndex(q => q >= 1 - 1e-9);
  return (i >= 0 && j >= 0) ? [i, j] : null;
}
function select(eqs, A, B, rule) {
  if (eqs.length === 0) return null;
  if (eqs.length === 1) return {eq: eqs[0], by: "unique"};
  if (rule === "all") return null;
  if (rule === "payoff_dominance") {
    const win = eqs.filter(e => eqs.every(f => e.u[0] >= f.u[0] - TOL && e.u[1] >= f.u[1] - TOL));
    if (win.length === 1) return {eq: win[0], by: "payoff dominance"};
  }
  if (A.length !== 2 || A[0].length !== 2) return null;
  const pure = eqs.filter(e => pureOf(e) !== null);
  if (pure.length !== 2) return null;
  const [i, j] = pureOf(pure[0]), [i2, j2] = pureOf(pure[1]);
  if (i === i2 || j === j2) return null;
  const first = (A[i][j] - A[i2][j]) * (B[i][j] - B[i][j2]);
  const second = (A[i2][j2] - A[i][j2]) * (B[i2][j2] - B[i2][j]);
  const scale = Math.max(1, Math.abs(first), Math.abs(second));
  if (Math.abs(first - second) <= TOL * scale) return null;
  return {eq: first > second ? pure[0] : pure[1], by: "risk dominance"};
}
function labelOf(sel) {
  if (sel === null) return "undecided";
  const p = pureOf(sel.eq);
  if (p !== null) for (const [lab, prof] of DATA.labels)
    if (prof[0] === p[0] && prof[1] === p[1]) return lab;
  return DATA.otherwise;
}
function violated(v) {
  const bad = [];
  for (const [text, op, d] of constraintsAt(v)) {
    const ok = {"<=": d <= TOL, "<": d < -TOL, ">=": d >= -TOL, ">": d > TOL,
                "==": Math.abs(d) <= 1e-6, "!=": Math.abs(d) > TOL}[op];
    if (!ok) bad.push(text);
  }
  return bad;
}
function analyse(v) {
  const bad = violated(v);
  if (bad.length) return {bad: bad};
  const {A, B} = payoffsAt(v);
  const eqs = equilibria(A, B), sel = select(eqs, A, B, DATA.selection);
  return {A: A, B: B, eqs: eqs, sel: sel, label: labelOf(sel), degenerate: degenerate(A, B)};
}
function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  for (const [k, val] of Object.entries(attrs || {})) e.setAttribute(k, val);
  return e;
}
function render() {
  const r = analyse(state), P = DATA.players, S = DATA.strategies;
  const mat = document.getElementById("matrix"), eqt = document.getElementById("equilibria");
  const lab = document.getElementById("label"), note = document.getElementById("note");
  mat.replaceChildren(); eqt.replaceChildren(); note.textContent = "";
  if (r.bad) {
    lab.textContent = "outside the model's constraints";
    lab.style.background = "#777";
    note.textContent = "Constraint violated: " + r.bad.join("; ");
    lab.dataset.label = "invalid";
    drawMap();
    return;
  }
  const head = el("tr"); head.append(el("th", P[0] + " \\ " + P[1]));
  S[1].forEach(s => head.append(el("th", s))); mat.append(head);
  S[0].forEach((s, i) => {
    const tr = el("tr"); tr.append(el("th", s));
    S[1].forEach((_, j) => tr.append(el("td", fmt(r.A[i][j]) + " ; " + fmt(r.B[i][j]))));
    mat.append(tr);
  });
  const h = el("tr"); h.append(el("th", "#"));
  S[0].forEach(s => h.append(el("th", P[0] + ": " + s)));
  S[1].forEach(s => h.append(el("th", P[1] + ": " + s)));
  h.append(el("th", "u_" + P[0])); h.append(el("th", "u_" + P[1])); h.append(el("th", ""));
  eqt.append(h);
  r.eqs.forEach((e, k) => {
    const tr = el("tr", null, {"class": "eq"});
    tr.append(el("td", String(k + 1)));
    e.x.forEach(p => tr.append(el("td", fmt(p)))); e.y.forEach(q => tr.append(el("td", fmt(q))));
    tr.append(el("td", fmt(e.u[0]))); tr.append(el("td", fmt(e.u[1])));
    tr.append(el("td", r.sel && r.sel.eq === e ? "selected: " + r.sel.by : ""));
    eqt.append(tr);
  });
  document.getElementById("count").textContent =
    r.eqs.length === 1 ? "1 equilibrium" : r.eqs.length + " equilibria";
  lab.textContent = r.label;
  lab.dataset.label = r.label;
  lab.style.background = DATA.colours[r.label] || "#777";
  if (r.label === "undecided") {
    lab.style.background = "#777";
    note.textContent = "The selection rule (" + DATA.selection.replace("_", " ") +
      ") cannot choose between the equilibria: the theory makes no prediction here.";
  }
  if (r.degenerate) note.textContent += " This game is degenerate (a player is " +
    "indifferent between two pure strategies against some strategy): `qa-games solve` " +
    "lists every extreme equilibrium exactly; this page may show fewer.";
  drawMap();
}
function drawMap() {
  const cv = document.getElementById("map"), ctx = cv.getContext("2d");
  const [ax, ay] = [document.getElementById("axis-x").value,
                    document.getElementById("axis-y").value];
  const px = DATA.parameters.find(p => p.name === ax);
  const py = DATA.parameters.find(p => p.name === ay);
  const N = DATA.resolution, w = cv.width / N, hh = cv.height / N, seen = new Set();
  for (let a = 0; a < N; a++) for (let b = 0; b < N; b++) {
    const v = Object.assign({}, state);
    v[ax] = px.min + (px.max - px.min) * (a + 0.5) / N;
    v[ay] = py.min + (py.max - py.min) * (b + 0.5) / N;
    const r = analyse(v), lab = r.bad ? "invalid" : r.label;
    seen.add(lab);
    ctx.fillStyle = lab === "undecided" ? "#ffffff" : lab === "invalid" ? "#cccccc" :
      (DATA.colours[lab] || "#777");
    ctx.fillRect(a * w, cv.height - (b + 1) * hh, Math.ceil(w), Math.ceil(hh));
  }
  const cx = (state[ax] - px.min) / (px.max - px.min) * cv.width;
  const cy = cv.height - (state[ay] - py.min) / (py.max - py.min) * cv.height;
  ctx.strokeStyle = "black"; ctx.fillStyle = "white"; ctx.lineWidth = 2;
  ctx.beginPath(); ctx.arc(cx, cy, 6, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
  const leg = document.getElementById("legend"); leg.replaceChildren();
  for (const lab of Object.keys(DATA.colours).concat(["undecided", "invalid"])) {
    if (!seen.has(lab)) continue;
    const s = el("span"), i = el("i");
    i.style.background = lab === "undecided" ? "#ffffff" : lab === "invalid" ? "#cccccc" :
      DATA.colours[lab];
    s.append(i, document.createTextNode(lab === "invalid" ? "outside the constraints" :
      lab === "undecided" ? "undecided (no prediction)" : lab));
    leg.append(s);
  }
  document.getElementById("map-x").textContent = px.name + ": " + px.description +
    " (" + fmt(px.min) + " to " + fmt(px.max) + ")";
  document.getElementById("map-y").textContent = py.name + ": " + py.description +
    " (" + fmt(py.min) + " to " + fmt(py.max) + ")";
}
function writeHash() {
  const parts = DATA.parameters.map(p => p.name + "=" + fmt(state[p.name]));
  history.replaceState(null, "", "#" + parts.join("&"));
}
function readHash() {
  const h = decodeURIComponent(location.hash.replace(/^#/, ""));
  const out = {};
  for (const part of h.split("&")) {
    const [k, val] = part.split("=");
    if (k) out[k] = val;
  }
  return out;
}
function gridOutput(spec) {
  // spec "c:0:1:11,t:0.5:2:4": labels and equilibrium counts, row-major (first fastest last)
  const axes = spec.split(",").map(s => { const [n, lo, hi, k] = s.split(":");
    return {n: n, lo: Number(lo), hi: Number(hi), k: Number(k)}; });
  const rows = [];
  (function rec(d, v) {
    if (d === axes.length) {
      const r = analyse(v);
      rows.push({point: Object.fromEntries(axes.map(a => [a.n, v[a.n]])),
                 label: r.bad ? "invalid" : r.label, n: r.bad ? 0 : r.eqs.length,
                 degenerate: r.bad ? false : r.degenerate,
                 equilibria: r.bad ? [] : r.eqs.map(e => [e.x, e.y])});
      return;
    }
    const a = axes[d];
    for (let t = 0; t < a.k; t++) {
      const w = Object.assign({}, v);
      w[a.n] = a.k === 1 ? a.lo : a.lo + (a.hi - a.lo) * t / (a.k - 1);
      rec(d + 1, w);
    }
  })(0, Object.assign({}, state));
  document.getElementById("grid-output").textContent = JSON.stringify(rows);
}
function setup() {
  const box = document.getElementById("sliders"), given = readHash();
  for (const p of DATA.parameters) {
    if (given[p.name] !== undefined && isFinite(Number(given[p.name])))
      state[p.name] = Math.min(p.max, Math.max(p.min, Number(given[p.name])));
    const row = el("div", null, {"class": "slider"});
    const input = el("input", null, {type: "range", min: p.min, max: p.max, step: p.step,
                                     id: "slider-" + p.name});
    input.value = state[p.name];
    const out = el("output", fmt(state[p.name]), {id: "value-" + p.name});
    input.addEventListener("input", () => {
      state[p.name] = Number(input.value); out.textContent = fmt(state[p.name]);
      writeHash(); render();
    });
    row.append(el("label", p.name, {"for": "slider-" + p.name}), input, out,
               el("small", p.description + " — domain " + p.domain + ", default " +
                  p.exact_default));
    box.append(row);
  }
  for (const [id, k] of [["axis-x", 0], ["axis-y", 1]]) {
    const s = document.getElementById(id);
    for (const p of DATA.parameters) s.append(el("option", p.name, {value: p.name}));
    s.value = DATA.axes[k];
    s.addEventListener("change", drawMap);
  }
  render();
  if (given.grid) gridOutput(given.grid);
  document.body.dataset.ready = "yes";
}
setup();
"""


def explorer_page(model: Any, *, axes: tuple[str, str] | None = None,
                  resolution: int = 80) -> str:
    """The HTML text of the explorer of ``model`` (a two-player normal-form model)."""
    data = explorer_data(model, axes=axes, resolution=resolution)
    blob = _json(data)
    esc = html.escape
    unused = ""
    if data["unused"]:
        unused = (f"<p class='muted'>Parameters that do not enter the payoffs (no slider): "
                  f"{esc(', '.join(data['unused']))}.</p>")
    rule = esc(data["selection"].replace("_", " "))
    labels = "; ".join(f"{esc(lab)}: the selected equilibrium is "
                       f"{esc(', '.join(data['strategies'][i][k] for i, k in enumerate(p)))}"
                       for lab, p in data["labels"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(data['title'])} - qa_games explorer</title>
<style>{_STYLE}</style></head>
<body>
<h1>{esc(data['title'])}</h1>
<p>{esc(data['description'])}</p>
<p class="muted">Model <code>{esc(data['name'])}</code>. Move a slider: the page solves the
game at that point (every equilibrium, by support enumeration in the browser), applies the
model's selection rule ({rule}) and shows the theory's label ({labels}; otherwise
{esc(data['otherwise'])}; <em>undecided</em> where the rule cannot choose). The address
bar keeps the point, so a view can be shared. Exact results: <code>qa-games solve
{esc(data['name'])} --set NAME=VALUE</code>.</p>
<div class="wrap">
<div class="col params"><h2>Parameters</h2><div id="sliders"></div>{unused}</div>
<div class="col">
<h2>Payoffs ({esc(data['players'][0])} ; {esc(data['players'][1])})</h2>
<table id="matrix"></table>
<h2>Equilibria: <span id="count"></span></h2><table id="equilibria"></table>
<p>Predicted outcome: <span id="label" class="label"></span></p>
<p id="note" class="note"></p>
<h2>Region map</h2>
<p>x: <select id="axis-x"></select> y: <select id="axis-y"></select>
<span class="muted">(other parameters at the sliders' values; the circle is the point)</span></p>
<canvas id="map" width="360" height="360"></canvas>
<div id="legend"></div>
<p class="muted">x axis: <span id="map-x"></span><br>y axis: <span id="map-y"></span></p>
</div></div>
<pre id="grid-output" hidden></pre>
<script type="application/json" id="model-data">{blob}</script>
<script>
{_payoff_function(data)}
{_APP}
</script>
</body></html>
"""


def write_explorer(model: Any, out: str | Path, *, axes: tuple[str, str] | None = None,
                   resolution: int = 80) -> Path:
    """Write the explorer page of ``model`` to ``out`` (atomically); returns the path."""
    from ..analysis.export import atomic_write

    text = explorer_page(model, axes=axes, resolution=resolution)
    return atomic_write(out, lambda p: p.write_text(text, encoding="utf-8"))
