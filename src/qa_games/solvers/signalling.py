"""Pure-strategy perfect Bayesian equilibria of signalling games, and the intuitive criterion.

A *signalling game* (Spence 1973; Cho and Kreps 1987): chance draws the sender's type
``t`` from a common prior ``p``; the sender, seeing ``t``, sends a message ``m``; the
receiver sees ``m`` (not ``t``) and responds with ``a``; payoffs ``u_S(t, m, a)`` and
``u_R(t, m, a)``. As a tree: a chance root, one singleton information set of the
sender per type, one information set of the receiver per message holding the nodes
``(t, m)`` of every type, terminal nodes below.

A pure *perfect Bayesian equilibrium* is a sender strategy ``s: T -> M``, a receiver
strategy ``r: M -> A`` and beliefs ``mu(. | m)`` such that each type's message is
optimal given ``r``; each response is optimal given the belief; and beliefs follow
Bayes' rule on the path, ``mu(t | m) = p(t) / sum_{t': s(t') = m} p(t')``. Off the path
any belief is allowed, so a response is supportable iff the set of beliefs under
which it is a best response is non-empty: that set is the polytope
``{mu in Delta(T): sum_t mu_t (u_R(t, m, r(m)) - u_R(t, m, b)) >= 0 for all b}``,
reported by its vertices (exact) and, for two types, as the closed interval of the
first type's probability.

The *intuitive criterion* (Cho and Kreps 1987, sec. IV): for an unsent message ``m``,
let ``J(m)`` be the types for which ``m`` is equilibrium-dominated (their equilibrium
payoff exceeds the best ``m`` can bring under any best response to any belief). If
some type outside ``J(m)`` gets strictly more than its equilibrium payoff from ``m``
under every best response to beliefs concentrated on ``T \\ J(m)``, the equilibrium
fails the criterion.

>>> from qa_games.solvers.signalling import beer_quiche, signalling_equilibria
>>> sol = signalling_equilibria(beer_quiche())
>>> for e in sol.equilibria:
...     print(e.kind, e.messages, e.responses, e.intuitive)
pooling ('beer', 'beer') ('not', 'duel') True
pooling ('quiche', 'quiche') ('duel', 'not') False
>>> str(sol.equilibria[1].beliefs[0].interval)   # mu(weak | beer) off the path
'[0.5, 1]'

Source: In-Koo Cho and David M. Kreps, "Signaling games and stable equilibria",
*Quarterly Journal of Economics* 102(2), 1987, 179-221.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from qa_games.errors import GameError, UnsupportedGameError

__all__ = [
    "SignallingGame",
    "Beliefs",
    "PerfectBayesianEquilibrium",
    "SignallingSolution",
    "as_signalling_game",
    "signalling_equilibria",
    "beer_quiche",
    "MAX_PROFILES",
]

#: Largest number of pure strategy profiles enumerated.
MAX_PROFILES = 2_000_000


@dataclass(frozen=True, eq=False)
class SignallingGame:
    """A signalling game read off a tree: types with prior, messages, responses per
    message, and ``u_s[t][m][a]``, ``u_r[t][m][a]`` (exact when the tree is)."""

    tree: Any
    sender: int
    receiver: int
    types: tuple[str, ...]
    prior: tuple[Any, ...]
    messages: tuple[str, ...]
    responses: tuple[tuple[str, ...], ...]
    u_s: tuple[tuple[tuple[Any, ...], ...], ...]
    u_r: tuple[tuple[tuple[Any, ...], ...], ...]


@dataclass(frozen=True)
class Beliefs:
    """The receiver's beliefs after one message: ``bayes`` (on the path) or the set of
    supporting beliefs off the path (``vertices`` of the polytope; ``interval`` of the
    first type's probability when there are two types)."""

    on_path: bool
    bayes: tuple[Any, ...] | None
    vertices: tuple[tuple[Any, ...], ...]
    interval: Any | None = None


@dataclass(frozen=True)
class PerfectBayesianEquilibrium:
    """One pure PBE: each type's message, each message's response, beliefs per message,
    each type's payoff and the receiver's expected payoff; ``intuitive`` says whether it
    survives the intuitive criterion."""

    messages: tuple[str, ...]
    responses: tuple[str, ...]
    beliefs: tuple[Beliefs, ...]
    sender_payoffs: tuple[Any, ...]
    receiver_payoff: Any
    kind: str
    intuitive: bool


@dataclass(frozen=True, eq=False)
class SignallingSolution:
    game: SignallingGame
    equilibria: tuple[PerfectBayesianEquilibrium, ...]
    note: str


def as_signalling_game(tree: Any) -> SignallingGame:
    """Read a numeric tree as a signalling game; UnsupportedGameError saying what
    differs when it is not one (see the module docstring for the shape)."""
    if tree.symbolic:
        raise GameError("a signalling game needs a numeric tree: use tree.at(...) first")
    nodes = tree.nodes
    root = nodes[0]
    if root.kind != "chance":
        raise UnsupportedGameError("not a signalling game: the root must be chance "
                                   "(drawing the sender's type)")
    types = root.actions
    sender_nodes = [nodes[c] for c in root.children]
    if any(n.kind != "decision" for n in sender_nodes):
        raise UnsupportedGameError("not a signalling game: after each type the sender moves")
    sender = sender_nodes[0].player
    if any(n.player != sender for n in sender_nodes) or \
            len({n.infoset for n in sender_nodes}) != len(sender_nodes):
        raise UnsupportedGameError("not a signalling game: one sender, who sees its type "
                                   "(one information set per type)")
    messages = sender_nodes[0].actions
    if any(n.actions != messages for n in sender_nodes):
        raise UnsupportedGameError("not a signalling game: every type has the same messages")
    receiver = -1
    responses = []
    u_s: list[list[Any]] = [[None] * len(messages) for _ in types]
    u_r: list[list[Any]] = [[None] * len(messages) for _ in types]
    for j, m in enumerate(messages):
        rnodes = [nodes[n.children[j]] for n in sender_nodes]
        if any(r.kind != "decision" for r in rnodes):
            raise UnsupportedGameError(f"not a signalling game: the receiver moves after {m!r}")
        h = rnodes[0].infoset
        if set(tree.infosets[h].nodes) != {n.children[j] for n in sender_nodes} or \
                any(r.infoset != h for r in rnodes):
            raise UnsupportedGameError(
                f"not a signalling game: after message {m!r} the receiver's information set "
                f"must hold exactly the nodes of every type (it sees the message only)")
        if receiver == -1:
            receiver = rnodes[0].player
        if rnodes[0].player != receiver or receiver == sender:
            raise UnsupportedGameError("not a signalling game: one receiver, not the sender")
        responses.append(rnodes[0].actions)
        for t, r in enumerate(rnodes):
            kids = [nodes[c] for c in r.children]
            if any(k.kind != "terminal" for k in kids):
                raise UnsupportedGameError("not a signalling game: the game ends after the "
                                           "receiver's response")
            u_s[t][j] = tuple(k.payoffs[sender] for k in kids)
            u_r[t][j] = tuple(k.payoffs[receiver] for k in kids)
    return SignallingGame(tree, sender, receiver, types, tuple(root.probs), messages,
                          tuple(responses), tuple(tuple(x) for x in u_s),
                          tuple(tuple(x) for x in u_r))


def _solve_linear(a: list[list[Any]], b: list[Any]) -> list[Any] | None:
    """Exact Gaussian elimination; None when singular."""
    n = len(a)
    m = [row[:] + [rhs] for row, rhs in zip(a, b, strict=True)]
    for col in range(n):
        piv = next((r for r in range(col, n) if m[r][col] != 0), None)
        if piv is None:
            return None
        m[col], m[piv] = m[piv], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[r][n] / m[r][r] for r in range(n)]


def _vertices(rows: Sequence[Sequence[Any]], k: int, allowed: Sequence[int]) -> list[tuple]:
    """Vertices of {mu >= 0, sum mu = 1, mu_t = 0 off ``allowed``, row . mu >= 0}."""
    ineq = [tuple(Fraction(int(i == t)) for i in range(k)) for t in range(k)] + \
        [tuple(r) for r in rows]
    eqs = [tuple(Fraction(int(i == t)) for i in range(k)) for t in range(k) if t not in allowed]
    ones = tuple(Fraction(1) for _ in range(k))
    out = set()
    need = k - 1 - len(eqs)
    if need < 0:
        return []
    for tight in itertools.combinations(range(len(ineq)), need):
        a = [list(ones)] + [list(e) for e in eqs] + [list(ineq[i]) for i in tight]
        b = [Fraction(1)] + [Fraction(0)] * (len(a) - 1)
        sol = _solve_linear(a, b)
        if sol is None:
            continue
        if all(sum(c * x for c, x in zip(row, sol, strict=True)) >= 0 for row in ineq):
            out.add(tuple(sol))
    return sorted(out, reverse=True)


def _br_rows(g: SignallingGame, j: int, a: int) -> list[tuple[Any, ...]]:
    k = len(g.types)
    return [tuple(g.u_r[t][j][a] - g.u_r[t][j][b] for t in range(k))
            for b in range(len(g.responses[j])) if b != a]


def _best_responses(g: SignallingGame, j: int, allowed: Sequence[int]) -> list[int]:
    """Receiver actions after message j that are best responses to some belief on
    ``allowed``."""
    k = len(g.types)
    return [a for a in range(len(g.responses[j])) if _vertices(_br_rows(g, j, a), k, allowed)]


def _intuitive(g: SignallingGame, sent: set[int], eq_pay: Sequence[Any]) -> bool:
    k = len(g.types)
    everyone = list(range(k))
    for j in range(len(g.messages)):
        if j in sent:
            continue
        br_all = _best_responses(g, j, everyone)
        dominated = {t for t in everyone
                     if eq_pay[t] > max(g.u_s[t][j][a] for a in br_all)}
        rest = [t for t in everyone if t not in dominated]
        if not rest:
            continue
        br_rest = _best_responses(g, j, rest)
        for t in rest:
            if eq_pay[t] < min(g.u_s[t][j][a] for a in br_rest):
                return False
    return True


def signalling_equilibria(tree_or_game: Any) -> SignallingSolution:
    """Every pure-strategy perfect Bayesian equilibrium of a signalling game (a tree of
    that shape, or a :class:`SignallingGame`), with beliefs and the intuitive criterion."""
    from ..games.parameter import Interval

    g = tree_or_game if isinstance(tree_or_game, SignallingGame) else \
        as_signalling_game(tree_or_game)
    k, n_m = len(g.types), len(g.messages)
    total = n_m ** k
    for opts in g.responses:
        total *= len(opts)
    if total > MAX_PROFILES:
        raise UnsupportedGameError(f"{total} pure strategy profiles, more than "
                                   f"MAX_PROFILES={MAX_PROFILES}")
    found: list[PerfectBayesianEquilibrium] = []
    for s in itertools.product(range(n_m), repeat=k):
        for r in itertools.product(*(range(len(x)) for x in g.responses)):
            pays = [g.u_s[t][s[t]][r[s[t]]] for t in range(k)]
            if any(g.u_s[t][j][r[j]] > pays[t] for t in range(k) for j in range(n_m)):
                continue
            beliefs = []
            ok = True
            for j in range(n_m):
                senders = [t for t in range(k) if s[t] == j]
                mass = sum((g.prior[t] for t in senders), Fraction(0))
                if senders and mass > 0:
                    mu = tuple(g.prior[t] / mass if t in senders else Fraction(0)
                               for t in range(k))
                    val = [sum(mu[t] * g.u_r[t][j][a] for t in range(k))
                           for a in range(len(g.responses[j]))]
                    if val[r[j]] < max(val):
                        ok = False
                        break
                    beliefs.append(Beliefs(True, mu, (mu,)))
                else:  # off the path (or reached with probability 0): any belief
                    verts = _vertices(_br_rows(g, j, r[j]), k, range(k))
                    if not verts:
                        ok = False
                        break
                    iv = None
                    if k == 2:
                        lo, hi = min(v[0] for v in verts), max(v[0] for v in verts)
                        iv = Interval(lo, hi, True, True)
                    beliefs.append(Beliefs(False, None, tuple(verts), iv))
            if not ok:
                continue
            receiver = sum(g.prior[t] * g.u_r[t][s[t]][r[s[t]]] for t in range(k))
            distinct = len(set(s))
            kind = "pooling" if distinct == 1 else "separating" if distinct == k else \
                "partially pooling"
            sent = {s[t] for t in range(k) if g.prior[t] > 0}
            found.append(PerfectBayesianEquilibrium(
                tuple(g.messages[s[t]] for t in range(k)),
                tuple(g.responses[j][r[j]] for j in range(n_m)), tuple(beliefs),
                tuple(pays), receiver, kind, _intuitive(g, sent, pays)))
    note = (f"every pure-strategy PBE ({len(found)}) of {total} pure profiles; off-path "
            f"beliefs are the sets that support each response")
    return SignallingSolution(g, tuple(found), note)


def beer_quiche(prior_strong: Any = Fraction(9, 10)) -> Any:
    """The Beer-Quiche game of Cho and Kreps (1987): the sender is weak or strong, has
    beer or quiche for breakfast; the receiver sees the breakfast and duels or not.
    The sender gets 1 for its preferred breakfast (strong: beer, weak: quiche) plus 2
    when there is no duel; the receiver gets 1 for dueling a weak sender or for not
    dueling a strong one."""
    from qa_games.games.tree import Chance, Decision, Terminal, Tree

    def sender(kind: str) -> Any:
        moves = {}
        for food in ("beer", "quiche"):
            liked = int((kind == "strong") == (food == "beer"))
            moves[food] = Decision("R", {
                "duel": Terminal(liked, int(kind == "weak")),
                "not": Terminal(liked + 2, int(kind == "strong"))}, infoset=f"R|{food}")
        return Decision("S", moves, infoset=f"S|{kind}")

    p = Fraction(prior_strong)
    return Tree.from_spec(["S", "R"], Chance({"weak": (1 - p, sender("weak")),
                                              "strong": (p, sender("strong"))}),
                          title="Beer-Quiche (Cho and Kreps 1987)")
