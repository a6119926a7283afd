"""kubify helm-operator program: installs one upstream operator as a pinned Helm release.

`operator` names a catalog entry (catalog.py) whose chart, repo, version, namespace and
default values apply; or `chart` + `repo` + `version` describe any other chart. Either
way `namespace`, `releaseName` and `values` (merged over the defaults) may be set.
Every per-claim value arrives as stack config; see README.md.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from catalog import CATALOG


class ConfigError(pulumi.RunError):
    pass


def merge(base: Any, override: Any) -> Any:
    """Deep merge of Helm values (new dicts; leaves, which may be Outputs, are not copied)."""
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
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")

name = cfg.get("operator")
explicit = {k: cfg.get(k) for k in ("chart", "repo", "version")}
entry = CATALOG.get(name) if name else None
if name and entry is None:
    problems.append(f"{key('operator')} '{name}' is not in the catalog ({', '.join(sorted(CATALOG))})")
if not name:
    missing = [k for k, v in explicit.items() if not v]
    if missing:
        problems.append(
            f"{key('operator')} is required (one of {', '.join(sorted(CATALOG))}), "
            f"or else {', '.join(key(k) for k in missing)}"
        )
    name = explicit["chart"] or "operator"

chart = explicit["chart"] or (entry.chart if entry else None)
repo = explicit["repo"] or (entry.repo if entry else None)
version = explicit["version"] or (entry.version if entry else None)
namespace = cfg.get("namespace") or (entry.namespace if entry else f"{name}-system")
release_name = cfg.get("releaseName") or name
for k, v in (("namespace", namespace), ("releaseName", release_name)):
    if not DNS_LABEL.match(v) or len(v) > 53:
        problems.append(f"{key(k)} '{v}' must be a DNS label of at most 53 characters")
try:
    overrides = cfg.get_object("values") or {}
except pulumi.ConfigTypeError:
    problems.append(f"{key('values')} is not valid JSON")
    overrides = {}
if not isinstance(overrides, dict):
    problems.append(f"{key('values')} must be a JSON object")
    overrides = {}

if problems:
    raise ConfigError("invalid stack configuration for program 'helm-operator':\n  - " + "\n  - ".join(problems))

kubeconfig = cfg.get_secret("kubeconfig")
target = k8s.Provider("target", kubeconfig=kubeconfig) if kubeconfig is not None else k8s.Provider("target")
opts = pulumi.ResourceOptions(provider=target)

ns = k8s.core.v1.Namespace(
    namespace,
    metadata=k8s.meta.v1.ObjectMetaArgs(name=namespace, labels={"app.kubernetes.io/managed-by": "kubify"}),
    opts=opts,
)
release = k8s.helm.v3.Release(
    release_name,
    name=release_name,
    chart=chart,
    version=version,
    repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=repo),
    namespace=ns.metadata.name,
    values=merge(entry.values if entry else {}, overrides),
    cleanup_on_fail=True,
    max_history=5,
    timeout=600,
    opts=opts,
)

pulumi.export("operator", name)
pulumi.export("releaseName", release.status.name)
pulumi.export("namespace", release.status.namespace)
pulumi.export("chart", release.status.chart)
pulumi.export("version", release.status.version)
pulumi.export("status", release.status.status)
pulumi.export("apiGroups", list(entry.serves) if entry else [])
