"""Pinned Helm charts and images of the cluster-services bundle.

Bump a version here and in the sibling programs that pin the same chart
(operators/programs/helm-operator/catalog.py, kubecost/programs/kubecost/chart.py):
test/programs checks that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Chart:
    release: str
    chart: str
    repo: str
    version: str
    namespace: str
    values: Any = None  # opinionated defaults; per-stack overrides are merged over them


CERT_MANAGER = Chart(
    release="cert-manager",
    chart="cert-manager",
    repo="https://charts.jetstack.io",
    version="v1.19.4",
    namespace="cert-manager",
    # `installCRDs` is deprecated since cert-manager 1.15; crds.enabled is its successor.
    # crds.keep leaves the CRDs (and so every Certificate) in place on uninstall.
    values={"crds": {"enabled": True, "keep": True}},
)

KUBECOST = Chart(
    release="kubecost",
    chart="cost-analyzer",
    repo="https://kubecost.github.io/cost-analyzer/",
    version="2.8.6",
    namespace="kubecost",
    values={},
)

PIXIE = Chart(
    release="pixie",
    chart="pixie-operator-chart",
    repo="https://artifacts.px.dev/helm_charts/operator",
    version="0.1.6",
    namespace="pl",
    values={},
)

METRICS = Chart(
    release="kube-prometheus-stack",
    chart="kube-prometheus-stack",
    repo="https://prometheus-community.github.io/helm-charts",
    version="85.1.3",
    namespace="monitoring",
    values={},
)

# GoogleContainerTools/kaniko was archived in June 2025. osscontainertools/kaniko is the
# maintained community fork that publishes public images (GHCR, and Docker Hub as
# martizih/kaniko); Chainguard's fork (chainguard-dev/kaniko) ships source-only releases
# and its images only to Chainguard customers.
KANIKO_IMAGE = "ghcr.io/osscontainertools/kaniko:v1.28.5"
