"""pytest setup for the Pulumi program tests: makes `harness` importable and gives each
test a fresh RecordingMocks. See harness.py for how programs run under mocks."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import RecordingMocks  # noqa: E402


@pytest.fixture
def mocks() -> RecordingMocks:
    return RecordingMocks()


def pytest_configure(config):
    # The SDKs warn at import time about resource classes they deprecate (eks NodeGroup,
    # aws EncryptionControl...), whether or not a program uses them.
    for module in ("pulumi_eks", "pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pulumi_kubernetes"):
        config.addinivalue_line("filterwarnings", f"ignore::DeprecationWarning:{module}.*")
