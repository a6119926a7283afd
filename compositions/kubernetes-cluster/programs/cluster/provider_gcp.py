"""GKE through pulumi_gcp: a cluster whose default node pool is removed, one NodePool
per configured pool, and a kubeconfig that uses gke-gcloud-auth-plugin."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from cluster_settings import ClusterSettings
from kubeconfigs import gke_kubeconfig
from result import ClusterResult


def create(s: ClusterSettings) -> ClusterResult:
    provider = gcp.Provider("gcp", project=s.gcp_project, region=s.region)
    opts = pulumi.ResourceOptions(provider=provider)

    cluster = gcp.container.Cluster(
        s.name,
        name=s.name,
        location=s.gcp_location,
        # GKE needs a node pool at creation; it is deleted right after and replaced by
        # the NodePool resources below, which Pulumi can then scale and replace freely.
        remove_default_node_pool=True,
        initial_node_count=1,
        min_master_version=s.version,
        # destroyOnFinalize must be able to delete the cluster.
        deletion_protection=False,
        resource_labels={"kubify-cluster": s.name},
        opts=opts,
    )

    for pool in s.node_pools:
        autoscaling = (
            gcp.container.NodePoolAutoscalingArgs(
                total_min_node_count=pool.min, total_max_node_count=pool.max
            )
            if pool.autoscaling
            else None
        )
        gcp.container.NodePool(
            f"{s.name}-{pool.name}",
            name=pool.name,
            cluster=cluster.name,
            location=s.gcp_location,
            # Per zone of the cluster's location; the autoscaler keeps the pool's total
            # between min and max.
            initial_node_count=pool.desired if pool.autoscaling else None,
            node_count=None if pool.autoscaling else pool.desired,
            autoscaling=autoscaling,
            management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
            node_config=gcp.container.NodePoolNodeConfigArgs(
                machine_type=pool.instance_type,
                oauth_scopes=["https://www.googleapis.com/auth/cloud-platform"],
                labels={"kubify.io/node-pool": pool.name},
            ),
            opts=opts,
        )

    context = f"gke_{s.gcp_project}_{s.gcp_location}_{s.name}"
    kubeconfig = pulumi.Output.all(cluster.endpoint, cluster.master_auth.cluster_ca_certificate).apply(
        lambda args: gke_kubeconfig(context, args[0], args[1])
    )
    return ClusterResult(kubeconfig=kubeconfig, cluster_name=cluster.name)
