"""Stack configuration of the `cluster` program: read once, validated as a whole.

Every problem is collected and reported together, each naming the full config key
(`cluster:<key>`) exactly as it must appear in the PKO Stack's `config`/`secretsRef`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi

from kubeconfigs import server_of

PROVIDERS = ("aws", "gcp", "azure", "existing")

# Opinionated defaults for the single pool used when `nodePools` is not given.
DEFAULT_INSTANCE_TYPE = {
    "aws": "t3.large",
    "gcp": "e2-standard-4",
    "azure": "Standard_D4s_v5",
}

_NAME = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_AKS_POOL = re.compile(r"^[a-z][a-z0-9]{0,11}$")


class ConfigError(pulumi.RunError):
    """Invalid stack configuration. A RunError prints its message without a traceback."""


@dataclass(frozen=True)
class NodePool:
    name: str
    instance_type: str
    min: int
    max: int
    desired: int

    @property
    def autoscaling(self) -> bool:
        return self.min < self.max


@dataclass(frozen=True)
class ClusterSettings:
    project: str
    provider: str
    name: str
    region: Optional[str]
    version: Optional[str]
    node_pools: list[NodePool]
    kubeconfig_secret_name: str
    kubeconfig_secret_namespace: str
    kubeconfig_secret_key: str
    # provider specific
    gcp_project: Optional[str] = None
    gcp_location: Optional[str] = None
    azure_resource_group: Optional[str] = None
    aws_vpc_id: Optional[str] = None
    aws_subnet_ids: list[str] = field(default_factory=list)
    existing_kubeconfig: Optional[pulumi.Output[str]] = None

    def key(self, name: str) -> str:
        return f"{self.project}:{name}"


def _int(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _parse_pools(raw: Any, provider: str, key: str, problems: list[str]) -> list[NodePool]:
    if raw is None:
        if provider == "existing":
            return []
        return [NodePool("default", DEFAULT_INSTANCE_TYPE[provider], 1, 3, 2)]
    if not isinstance(raw, list) or not raw:
        problems.append(f"{key} must be a non-empty JSON list of node pools")
        return []
    pools: list[NodePool] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object with name, instanceType, min, max, desired")
            continue
        unknown = sorted(set(item) - {"name", "instanceType", "size", "min", "max", "desired"})
        if unknown:
            problems.append(f"{where} has unknown field(s) {', '.join(unknown)}")
        name = item.get("name")
        if not isinstance(name, str) or not _NAME.match(name) or len(name) > 40:
            problems.append(f"{where}.name must be a DNS label (lowercase letters, digits, '-'; at most 40)")
            name = f"pool{i}"
        elif provider == "azure" and not _AKS_POOL.match(name):
            problems.append(
                f"{where}.name '{name}' is not a valid AKS agent pool name "
                "(lowercase letters and digits, starting with a letter, at most 12)"
            )
        if name in seen:
            problems.append(f"{where}.name '{name}' is used by more than one pool")
        seen.add(name)
        instance = item.get("instanceType", item.get("size"))
        if instance is None and provider in DEFAULT_INSTANCE_TYPE:
            instance = DEFAULT_INSTANCE_TYPE[provider]
        if not isinstance(instance, str) or not instance:
            problems.append(f"{where}.instanceType must be a non-empty string")
            instance = ""
        lo, hi = _int(item.get("min", 1)), _int(item.get("max", 3))
        desired = _int(item.get("desired", item.get("min", 1)))
        if lo is None or hi is None or desired is None:
            problems.append(f"{where}: min, max and desired must be whole numbers")
            continue
        if lo < 0 or hi < 1 or lo > hi:
            problems.append(f"{where}: need 0 <= min <= max and max >= 1 (got min={lo}, max={hi})")
        elif not lo <= desired <= hi:
            problems.append(f"{where}: desired={desired} must lie within min={lo} and max={hi}")
        pools.append(NodePool(name, instance, lo, hi, desired))
    if provider == "azure" and pools and pools[0].min < 1:
        problems.append(f"{key}[0] is the AKS system pool and needs min >= 1")
    return pools


def load() -> ClusterSettings:
    cfg = pulumi.Config()
    project = pulumi.get_project()
    key = lambda k: f"{project}:{k}"  # noqa: E731
    problems: list[str] = []

    provider = cfg.get("provider")
    if provider is None:
        problems.append(f"{key('provider')} is required (one of {', '.join(PROVIDERS)})")
    elif provider not in PROVIDERS:
        problems.append(f"{key('provider')} must be one of {', '.join(PROVIDERS)}, not '{provider}'")
        provider = None

    name = cfg.get("name")
    if name is None:
        problems.append(f"{key('name')} is required (the cluster's name)")
    elif not _NAME.match(name) or len(name) > 40:
        problems.append(f"{key('name')} '{name}' must be a DNS label of at most 40 characters")

    region = cfg.get("region")
    if provider in ("aws", "gcp", "azure") and not region:
        problems.append(f"{key('region')} is required when {key('provider')} is '{provider}'")

    try:
        raw_pools = cfg.get_object("nodePools")
    except pulumi.ConfigTypeError:
        problems.append(f"{key('nodePools')} is not valid JSON")
        raw_pools = None
    pools = _parse_pools(raw_pools, provider or "existing", key("nodePools"), problems)

    ns = cfg.get("kubeconfigSecretNamespace")
    if not ns:
        problems.append(
            f"{key('kubeconfigSecretNamespace')} is required "
            "(namespace of the management-cluster Secret that receives the kubeconfig)"
        )
    secret_name = cfg.get("kubeconfigSecretName") or f"{name or 'cluster'}-kubeconfig"

    gcp_project = cfg.get("gcpProject")
    if provider == "gcp" and not gcp_project:
        problems.append(f"{key('gcpProject')} is required when {key('provider')} is 'gcp'")

    existing = None
    if provider == "existing":
        raw = cfg.get("kubeconfig")
        if raw is None:
            problems.append(
                f"{key('kubeconfig')} is required when {key('provider')} is 'existing' "
                "(pass it as a secret, e.g. through the Stack's secretsRef)"
            )
        else:
            try:
                server_of(raw)
                existing = pulumi.Output.secret(raw)
            except Exception as err:  # noqa: BLE001 - any parse failure is a config problem
                problems.append(f"{key('kubeconfig')} is not a usable kubeconfig: {err}")

    subnet_ids: list[str] = []
    try:
        raw_subnets = cfg.get_object("subnetIds")
    except pulumi.ConfigTypeError:
        problems.append(f"{key('subnetIds')} is not valid JSON")
        raw_subnets = None
    if raw_subnets is not None:
        if isinstance(raw_subnets, list) and all(isinstance(s, str) for s in raw_subnets):
            subnet_ids = list(raw_subnets)
        else:
            problems.append(f"{key('subnetIds')} must be a JSON list of strings")

    if problems:
        raise ConfigError(
            "invalid stack configuration for program 'cluster':\n  - " + "\n  - ".join(problems)
        )
    assert provider is not None and name is not None and ns is not None
    return ClusterSettings(
        project=project,
        provider=provider,
        name=name,
        region=region,
        version=cfg.get("version"),
        node_pools=pools,
        kubeconfig_secret_name=secret_name,
        kubeconfig_secret_namespace=ns,
        kubeconfig_secret_key=cfg.get("kubeconfigSecretKey") or "kubeconfig",
        gcp_project=gcp_project,
        gcp_location=cfg.get("gcpLocation") or region,
        azure_resource_group=cfg.get("resourceGroupName") or f"{name}-rg",
        aws_vpc_id=cfg.get("vpcId"),
        aws_subnet_ids=subnet_ids,
        existing_kubeconfig=existing,
    )
