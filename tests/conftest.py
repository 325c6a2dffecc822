"""Shared test configuration: hypothesis profiles.

``ci`` (the default) is derandomised and bounded so the suite is reproducible and fast;
``dev`` explores more. Select with ``HYPOTHESIS_PROFILE=dev`` or
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
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
