"""A cluster that already exists: nothing is read or created cloud-side; the kubeconfig
passed as secret config (validated with the rest of the configuration) is re-exported."""

from __future__ import annotations

import pulumi

from cluster_settings import ClusterSettings
from result import ClusterResult


def create(s: ClusterSettings) -> ClusterResult:
    assert s.existing_kubeconfig is not None
    return ClusterResult(kubeconfig=s.existing_kubeconfig, cluster_name=pulumi.Output.from_input(s.name))
