"""Operators this program installs by name, each a pinned Helm chart.

Adding an operator is one entry here (and a composition that names it in `operator`).
cert-manager's pin must equal cluster-services' charts.CERT_MANAGER: a test checks.
Kubecost is not here: compositions/kubecost/programs/kubecost installs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Operator:
    chart: str
    repo: str
    version: str
    namespace: str
    values: dict[str, Any] = field(default_factory=dict)
    serves: tuple[str, ...] = ()  # API groups the operator serves (documentation, tests)


CATALOG: dict[str, Operator] = {
    "kuberay": Operator(
        chart="kuberay-operator",
        repo="https://ray-project.github.io/kuberay-helm/",
        version="1.6.2",
        namespace="kuberay-system",
        serves=("ray.io",),
    ),
    "cert-manager": Operator(
        chart="cert-manager",
        repo="https://charts.jetstack.io",
        version="v1.19.4",
        namespace="cert-manager",
        values={"crds": {"enabled": True, "keep": True}},
        serves=("cert-manager.io", "acme.cert-manager.io"),
    ),
    "cloudnative-pg": Operator(
        chart="cloudnative-pg",
        repo="https://cloudnative-pg.github.io/charts",
        version="0.29.0",
        namespace="cnpg-system",
        serves=("postgresql.cnpg.io",),
    ),
}
