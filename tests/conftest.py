"""Shared test configuration: hypothesis profiles.

``ci`` (the default) is derandomised and bounded so the suite is reproducible and fast;
``dev`` explores more; ``fuzz`` is for long runs of tests/test_fuzz.py (which sizes its
own examples: ``FUZZ_EXAMPLES`` per test, default 2000). Select with ``HYPOTHESIS_PROFILE=dev`` or
``pytest --hypothesis-profile=dev``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=50,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    deadline=None,
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")),
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
