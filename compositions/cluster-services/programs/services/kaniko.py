"""The Kaniko build path: a namespace where image builds run as Jobs, the service account
those build pods use, RBAC that lets the build launcher (kubify) run them there, and a
ConfigMap recording the executor image and the registry-credentials Secret to mount."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_kubernetes as k8s

LABELS = {"app.kubernetes.io/managed-by": "kubify", "app.kubernetes.io/part-of": "kubify-build"}


@dataclass(frozen=True)
class KanikoSettings:
    namespace: str
    image: str
    registry_secret: str
    launcher_namespace: str
    launcher_service_account: str


def create(s: KanikoSettings, opts: pulumi.ResourceOptions) -> dict[str, pulumi.Output]:
    ns = k8s.core.v1.Namespace(
        "kaniko",
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=s.namespace,
            labels={**LABELS, "pod-security.kubernetes.io/enforce": "baseline"},
        ),
        opts=opts,
    )
    in_ns = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[ns]))
    meta = lambda name: k8s.meta.v1.ObjectMetaArgs(name=name, namespace=s.namespace, labels=LABELS)  # noqa: E731

    # Build pods talk to registries, never to the API server.
    builder = k8s.core.v1.ServiceAccount(
        "kaniko-builder", metadata=meta("kaniko-builder"), automount_service_account_token=False, opts=in_ns
    )
    role = k8s.rbac.v1.Role(
        "kaniko-launcher",
        metadata=meta("kaniko-launcher"),
        rules=[
            k8s.rbac.v1.PolicyRuleArgs(
                api_groups=["batch"], resources=["jobs"], verbs=["create", "get", "list", "watch", "delete"]
            ),
            k8s.rbac.v1.PolicyRuleArgs(api_groups=[""], resources=["pods"], verbs=["get", "list", "watch"]),
            k8s.rbac.v1.PolicyRuleArgs(api_groups=[""], resources=["pods/log"], verbs=["get"]),
            # Build contexts travel as ConfigMaps (small) or are fetched by the executor.
            k8s.rbac.v1.PolicyRuleArgs(
                api_groups=[""], resources=["configmaps"], verbs=["create", "get", "delete"]
            ),
        ],
        opts=in_ns,
    )
    k8s.rbac.v1.RoleBinding(
        "kaniko-launcher",
        metadata=meta("kaniko-launcher"),
        role_ref=k8s.rbac.v1.RoleRefArgs(api_group="rbac.authorization.k8s.io", kind="Role", name="kaniko-launcher"),
        subjects=[
            k8s.rbac.v1.SubjectArgs(
                kind="ServiceAccount", name=s.launcher_service_account, namespace=s.launcher_namespace
            )
        ],
        opts=pulumi.ResourceOptions.merge(in_ns, pulumi.ResourceOptions(depends_on=[role])),
    )
    config = k8s.core.v1.ConfigMap(
        "kaniko-build-config",
        metadata=meta("kaniko-build-config"),
        data={
            "image": s.image,
            "serviceAccountName": "kaniko-builder",
            # A kubernetes.io/dockerconfigjson Secret the build pod mounts at
            # /kaniko/.docker/config.json; it is referenced, never created, here.
            "registrySecretName": s.registry_secret,
            "dockerConfigPath": "/kaniko/.docker",
        },
        opts=in_ns,
    )
    return {
        "enabled": True,
        "namespace": ns.metadata.name,
        "serviceAccount": builder.metadata.name,
        "image": pulumi.Output.from_input(s.image),
        "registrySecret": pulumi.Output.from_input(s.registry_secret),
        "configMap": config.metadata.name,
    }


def parse_subject(value: Optional[str]) -> Optional[tuple[str, str]]:
    """'namespace/serviceaccount' -> (namespace, name), or None when malformed."""
    if not value or value.count("/") != 1:
        return None
    ns, name = value.split("/")
    return (ns, name) if ns and name else None
