"""verify(): two independent checks per proposition, verdicts that claim no more than shown."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction

import pytest

from qa_games.cli import main
from qa_games.errors import ParameterError
from qa_games.modelfiles.loader import load_model
from qa_games.solvers.solve import solve
from qa_games.verify.verdicts import Verdict, verify

FALSE_CLAIM = '''
[[propositions]]
id = "false-1"
claim = "Cooperation increases with the patron's commitment (false: the reverse of cha-1)."
source = "a deliberately false statement"
kind = "monotonicity"
outcome = "equilibrium(mutual_cooperation)"
parameter = "c"
direction = "increasing"
'''

LABEL_CLAIM = '''
[[propositions]]
id = "label-1"
claim = "The cooperation label falls with c under payoff dominance."
source = "test"
kind = "monotonicity"
outcome = "label(cooperation)"
parameter = "c"
direction = "decreasing"
selection = "payoff_dominance"
'''


def _copy_with(tmp_path, extra: str, name: str = "cha_quasi_alliance"):
    src = load_model(name).path
    dst = tmp_path / f"{name}_copy.toml"
    shutil.copyfile(src, dst)
    with dst.open("a", encoding="utf-8") as f:
        f.write(extra)
    return dst


@pytest.mark.parametrize("name", ["cha_quasi_alliance", "walt_balance_of_threat"])
def test_every_claim_of_models_md_is_proved(name):
    verdicts = verify(load_model(name), max_examples=8)
    for v in verdicts:
        assert isinstance(v, Verdict)
        if v.expected == "true":
            assert v.status == "proved", (v.proposition, v.summary(), v.statements)
            assert v.counterexample is None and v.conditions.startswith("For every")
            assert v.samples > 0 and set(v.methods) <= {"z3", "sympy"}
        assert v.as_expected


def test_cha3_needs_its_condition_and_the_counterexample_is_confirmed():
    (v,) = verify(load_model("cha_quasi_alliance"), only=["cha-3-unconditional"],
                  max_examples=150)
    assert v.status == "refuted" and v.expected == "false" and v.as_expected
    ce = v.counterexample
    assert ce["y_A"] == ce["k_A"] == 0 or ce["y_B"] == ce["k_B"] == 0
    sol = solve(load_model("cha_quasi_alliance").at(ce))
    assert [eq.pure_profile for eq in sol.equilibria] != [(1, 1)]


def test_a_false_claim_is_refuted_by_both_checks(tmp_path):
    m = load_model(_copy_with(tmp_path, FALSE_CLAIM))
    (v,) = verify(m, only=["false-1"], max_examples=60, seed=3)
    assert v.status == "refuted" and not v.as_expected
    (sv,) = v.statements
    assert sv.search_found and sv.proof_status == "refuted"
    assert "hypothesis" in v.methods and "z3" in v.methods
    low, high = v.counterexample, v.counterexample2
    assert low["c"] < high["c"] and {k for k in low if low[k] != high[k]} == {"c"}
    profiles = [{eq.pure_profile for eq in solve(m.at(p)).equilibria} for p in (low, high)]
    assert (0, 0) in profiles[0] and (0, 0) not in profiles[1]
    assert v.summary().startswith("refuted at c=")


def test_the_proof_alone_refutes_and_solve_confirms(tmp_path):
    m = load_model(_copy_with(tmp_path, FALSE_CLAIM))
    (v,) = verify(m, only=["false-1"], search=False)
    assert v.status == "refuted" and v.samples == 0
    assert "mutual_cooperation" in v.statements[0].failure


def test_search_is_seeded_and_reproducible(tmp_path):
    m = load_model(_copy_with(tmp_path, FALSE_CLAIM))
    runs = [verify(m, only=["false-1"], prove=False, seed=7, max_examples=40)[0]
            for _ in range(2)]
    assert runs[0].counterexample == runs[1].counterexample
    assert all(isinstance(x, Fraction) for x in runs[0].counterexample.values())


def test_search_does_not_depend_on_what_ran_before():
    # Hypothesis draws some integers from constants in the source of the local modules
    # imported so far: verifying another model first (which imports more of qa_games)
    # must not change a seeded search
    code = ("import json, sys\n"
            "from qa_games import load_model\n"
            "from qa_games.verify.verdicts import verify\n"
            "if sys.argv[1] == 'yes':\n"
            "    verify(load_model('cha_multilateral'), max_examples=5, prove=False)\n"
            "v = verify(load_model('cha_repeated'), only=['rep-3'], prove=False,"
            " max_examples=100)[0]\n"
            "print(json.dumps(v.to_json_dict(), sort_keys=True))")
    import subprocess
    import sys

    runs = [subprocess.run([sys.executable, "-c", code, flag], check=True,
                           capture_output=True, text=True).stdout for flag in ("no", "yes")]
    assert runs[0] == runs[1] and '"status": "refuted"' in runs[0]


def test_verify_models_does_not_depend_on_jobs():
    from qa_games.verify.verdicts import verify_models

    models = [load_model("buck_passing"), load_model("snyder_asd")]
    runs = [[[v.to_json_dict() for v in verdicts] for verdicts, _ in
             verify_models(models, jobs=jobs, max_examples=8, prove=False)]
            for jobs in (1, 2)]
    assert runs[0] == runs[1] and len(runs[0]) == 2
    with pytest.raises(ParameterError, match="jobs=0"):
        verify_models(models, jobs=0)


def test_what_cannot_be_proved_is_held_not_proved(tmp_path):
    m = load_model(_copy_with(tmp_path, LABEL_CLAIM))
    (v,) = verify(m, only=["label-1"], max_examples=25)
    assert v.status == "held" and v.samples >= 25
    assert v.summary() == f"held on {v.samples} samples (not proved)"


def test_arguments_are_checked():
    m = load_model("cha_quasi_alliance")
    with pytest.raises(ParameterError, match="max_examples=0"):
        verify(m, max_examples=0)
    with pytest.raises(ParameterError, match="no such proposition"):
        verify(m, only=["cha-99"])


def test_cli_table_json_and_exit_status(tmp_path, capsys):
    assert main(["verify", "cha_quasi_alliance", "--examples", "5", "--only", "cha-7"]) == 0
    out = capsys.readouterr().out
    assert "cha-7" in out and "proved" in out
    path = _copy_with(tmp_path, FALSE_CLAIM)
    assert main(["verify", str(path), "--examples", "20", "--only", "false-1", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    (prop,) = data["models"][0]["propositions"]
    assert prop["status"] == "refuted" and prop["counterexample"]["c"] is not None
    assert main(["verify", "no_such_model"]) == 2
    capsys.readouterr()
    # A signalling model has no [[propositions]]: one clear error line, not a traceback.
    assert main(["verify", "perceived_commitment"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no [[propositions]]" in err


def test_patron1_is_refuted_on_its_boundary_and_proved_under_its_exact_conditions():
    from qa_games.solvers.backward_induction import backward_induction

    m = load_model("patron_sequential")
    v = {x.proposition: x for x in verify(m, max_examples=20)}
    assert v["patron-1-exact"].status == "proved"
    bad = v["patron-1"]
    # recorded as expected = "false" (its counterexample is in the model file)
    assert bad.status == "refuted" and bad.expected == "false" and bad.as_expected
    ce = bad.counterexample
    assert ce["phi"] == 0
    cha = load_model("cha_quasi_alliance")
    sub = {k: x for k, x in ce.items() if k in cha.game.parameter_names}
    c_star = (cha.evaluate("c_star_A", sub), cha.evaluate("c_star_B", sub))
    assert c_star[0] == c_star[1] == ce["c_L"]
    assert ce["beta"] >= (ce["lam"] * ce["t"] - ce["kappa"]) * (ce["c_H"] - ce["c_L"])
    assert backward_induction(m, ce).choices == ("strong",)
    # the counterexample the model file records for patron-1 is one too
    recorded = {"c_L": 0, "c_H": Fraction(1, 2), "beta": 1, "kappa": 0, "lam": 1, "t": 1,
                "x_A": 1, "x_B": 1, "y_A": 1, "y_B": 0, "k_A": 0, "k_B": 1, "phi": 0}
    assert "c_L = 0, c_H = 1/2, beta = 1" in m.propositions[0].claim
    assert backward_induction(m, recorded).choices == ("strong",)


INVARIANCE = '''
[[propositions]]
id = "inv-1"
claim = "A's net incentive does not depend on B's costs."
source = "test"
kind = "invariance"
outcome = "Delta_A"
parameter = "k_B"

[[propositions]]
id = "inv-2"
claim = "Mutual distance being an equilibrium does not depend on the threat (true: cha-7)."
source = "test"
kind = "invariance"
outcome = "equilibrium(mutual_distance)"
parameter = "t"

[[propositions]]
id = "inv-3"
claim = "A's net incentive does not depend on the patron's commitment (false)."
source = "test"
expected = "false"
kind = "invariance"
outcome = "Delta_A"
parameter = "c"
region = "t > 0"

[[propositions]]
id = "thr-1"
claim = "Mutual cooperation is an equilibrium iff c <= 1/2 (false)."
source = "test"
expected = "false"
kind = "threshold"
outcome = "equilibrium(mutual_cooperation)"
condition = "c <= 0.5"
'''


def test_invariance_and_false_thresholds(tmp_path):
    m = load_model(_copy_with(tmp_path, INVARIANCE))
    v = {x.proposition: x for x in verify(m, only=["inv-1", "inv-2", "inv-3", "thr-1"],
                                          max_examples=30)}
    assert v["inv-1"].status == "proved" and v["inv-1"].methods == ("sympy",)
    assert v["inv-2"].status == "proved"
    for pid in ("inv-3", "thr-1"):
        assert v[pid].status == "refuted" and v[pid].as_expected
        assert v[pid].statements[0].search_found and v[pid].statements[0].proof_status == "refuted"
    low, high = v["inv-3"].counterexample, v["inv-3"].counterexample2
    assert m.evaluate("Delta_A", low) != m.evaluate("Delta_A", high)


def _killed(index, pid):  # a worker killed (module level: the pool pickles it by name)
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def test_a_killed_verification_process_is_one_clear_error(monkeypatch):
    from qa_games.errors import QAGamesError
    from qa_games.verify import verdicts

    monkeypatch.setattr(verdicts, "_verify_timed", _killed)
    with pytest.raises(QAGamesError, match="ended abruptly"):
        verdicts.verify_models([load_model("buck_passing")], jobs=2, max_examples=5)
