"""kubify cluster-services program.

Installs the opinionated bundle into a target cluster, each part switchable by a boolean
config key: cert-manager, Kubecost, Pixie, a metrics stack (kube-prometheus-stack) and a
Kaniko build path. Charts are pinned in charts.py. Every per-claim value arrives as stack
config; see README.md.
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_kubernetes as k8s

import charts
import kaniko

COMPONENTS = ("certManager", "kubecost", "pixie", "metrics", "kaniko")
DEFAULT_ON = {"certManager": True, "kubecost": True, "pixie": False, "metrics": True, "kaniko": True}


class ConfigError(pulumi.RunError):
    pass


def merge(base: Any, override: Any) -> Any:
    """Deep merge of Helm values: mappings merge key by key, anything else replaces.
    Builds new dicts and never copies leaves (they may be secret Outputs)."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for name, value in override.items():
            out[name] = merge(out.get(name), value)
        return out
    return override


cfg = pulumi.Config()
project = pulumi.get_project()
key = lambda k: f"{project}:{k}"  # noqa: E731
problems: list[str] = []

enabled: dict[str, bool] = {}
for component in COMPONENTS:
    try:
        value = cfg.get_bool(component)
    except pulumi.ConfigTypeError:
        problems.append(f"{key(component)} must be true or false")
        value = None
    enabled[component] = DEFAULT_ON[component] if value is None else value

try:
    overrides = cfg.get_object("values") or {}
except pulumi.ConfigTypeError:
    problems.append(f"{key('values')} is not valid JSON")
    overrides = {}
if not isinstance(overrides, dict) or set(overrides) - set(COMPONENTS) - {"kaniko"}:
    problems.append(f"{key('values')} must be an object keyed by {', '.join(c for c in COMPONENTS if c != 'kaniko')}")
    overrides = {}

cluster_name = cfg.get("clusterName") or pulumi.get_stack()
pixie_key = cfg.get_secret("pixieDeployKey")
if enabled["pixie"] and pixie_key is None:
    problems.append(
        f"{key('pixieDeployKey')} is required when {key('pixie')} is true "
        "(a Pixie deploy key, passed as a secret)"
    )

launcher = kaniko.parse_subject(cfg.get("kanikoLauncher") or "kubify-system/kubify")
if enabled["kaniko"] and launcher is None:
    problems.append(f"{key('kanikoLauncher')} must be '<namespace>/<serviceaccount>'")

if problems:
    raise ConfigError("invalid stack configuration for program 'services':\n  - " + "\n  - ".join(problems))

# The target cluster: an explicit kubeconfig, or the ambient (in-cluster) configuration
# of the PKO workspace pod when none is given.
kubeconfig = cfg.get_secret("kubeconfig")
target = k8s.Provider("target", kubeconfig=kubeconfig) if kubeconfig is not None else k8s.Provider("target")
opts = pulumi.ResourceOptions(provider=target)


def release(component: str, chart: charts.Chart, values: Any = None) -> k8s.helm.v3.Release:
    """A pinned Helm release in its own namespace, which this program owns."""
    ns = k8s.core.v1.Namespace(
        chart.namespace,
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=chart.namespace, labels={"app.kubernetes.io/managed-by": "kubify"}
        ),
        opts=opts,
    )
    merged = merge(merge(chart.values or {}, values or {}), overrides.get(component) or {})
    return k8s.helm.v3.Release(
        chart.release,
        name=chart.release,
        chart=chart.chart,
        version=chart.version,
        repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=chart.repo),
        namespace=ns.metadata.name,
        values=merged,
        cleanup_on_fail=True,
        max_history=5,
        timeout=900,
        opts=opts,
    )


def status(r: Optional[k8s.helm.v3.Release]) -> Any:
    if r is None:
        return {"enabled": False}
    return r.status.apply(
        lambda st: {"enabled": True, "release": st.name, "namespace": st.namespace,
                    "chart": st.chart, "version": st.version, "status": st.status}
    )


releases: dict[str, Optional[k8s.helm.v3.Release]] = {c: None for c in COMPONENTS if c != "kaniko"}

if enabled["certManager"]:
    releases["certManager"] = release("certManager", charts.CERT_MANAGER)

if enabled["kubecost"]:
    kubecost_values: dict[str, Any] = {"kubecostProductConfigs": {"clusterName": cluster_name}}
    token = cfg.get_secret("kubecostToken")
    if token is not None:
        kubecost_values["kubecostToken"] = token
    releases["kubecost"] = release("kubecost", charts.KUBECOST, kubecost_values)

if enabled["pixie"]:
    releases["pixie"] = release("pixie", charts.PIXIE, {"deployKey": pixie_key, "clusterName": cluster_name})

if enabled["metrics"]:
    releases["metrics"] = release("metrics", charts.METRICS)

for component, r in releases.items():
    pulumi.export(component, status(r))

if enabled["kaniko"]:
    assert launcher is not None
    pulumi.export(
        "kaniko",
        kaniko.create(
            kaniko.KanikoSettings(
                namespace=cfg.get("kanikoNamespace") or "kubify-builds",
                image=cfg.get("kanikoImage") or charts.KANIKO_IMAGE,
                registry_secret=cfg.get("kanikoRegistrySecretName") or "registry-credentials",
                launcher_namespace=launcher[0],
                launcher_service_account=launcher[1],
            ),
            opts,
        ),
    )
else:
    pulumi.export("kaniko", {"enabled": False})
