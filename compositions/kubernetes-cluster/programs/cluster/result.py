from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass
class ClusterResult:
    kubeconfig: pulumi.Output[str]
    cluster_name: pulumi.Output[str]
