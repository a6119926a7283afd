"""AKS through pulumi_azure_native: a resource group and a ManagedCluster whose agent
pools are declared inline (the first is the System pool), with the kubeconfig from
list_managed_cluster_user_credentials."""

from __future__ import annotations

import base64

import pulumi
from pulumi_azure_native import containerservice, resources

from cluster_settings import ClusterSettings
from result import ClusterResult


def create(s: ClusterSettings) -> ClusterResult:
    group = resources.ResourceGroup(
        f"{s.name}-rg",
        resource_group_name=s.azure_resource_group,
        location=s.region,
        tags={"kubify.io/cluster": s.name},
    )

    pools = [
        containerservice.ManagedClusterAgentPoolProfileArgs(
            name=pool.name,
            mode=containerservice.AgentPoolMode.SYSTEM if i == 0 else containerservice.AgentPoolMode.USER,
            type=containerservice.AgentPoolType.VIRTUAL_MACHINE_SCALE_SETS,
            os_type=containerservice.OSType.LINUX,
            vm_size=pool.instance_type,
            count=pool.desired,
            enable_auto_scaling=pool.autoscaling,
            min_count=pool.min if pool.autoscaling else None,
            max_count=pool.max if pool.autoscaling else None,
            node_labels={"kubify.io/node-pool": pool.name},
        )
        for i, pool in enumerate(s.node_pools)
    ]

    cluster = containerservice.ManagedCluster(
        s.name,
        resource_name_=s.name,
        resource_group_name=group.name,
        location=s.region,
        dns_prefix=s.name,
        kubernetes_version=s.version,
        identity=containerservice.ManagedClusterIdentityArgs(
            type=containerservice.ResourceIdentityType.SYSTEM_ASSIGNED
        ),
        enable_rbac=True,
        agent_pool_profiles=pools,
        tags={"kubify.io/cluster": s.name},
    )

    credentials = containerservice.list_managed_cluster_user_credentials_output(
        resource_group_name=group.name, resource_name=cluster.name
    )
    kubeconfig = credentials.kubeconfigs[0].value.apply(lambda v: base64.b64decode(v).decode("utf-8"))
    return ClusterResult(kubeconfig=pulumi.Output.secret(kubeconfig), cluster_name=cluster.name)
