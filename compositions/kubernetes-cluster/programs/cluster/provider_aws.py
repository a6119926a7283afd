"""EKS through pulumi_eks: a cluster without the default node group, one managed node
group per configured pool, sharing one node IAM role."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from cluster_settings import ClusterSettings
from kubeconfigs import dumps
from result import ClusterResult

NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
)


def create(s: ClusterSettings) -> ClusterResult:
    provider = aws.Provider("aws", region=s.region)
    in_region = pulumi.ResourceOptions(provider=provider)
    partition = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(provider=provider)).partition

    node_role = aws.iam.Role(
        f"{s.name}-nodes",
        assume_role_policy=dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
        tags={"kubify.io/cluster": s.name},
        opts=in_region,
    )
    attachments = [
        aws.iam.RolePolicyAttachment(
            f"{s.name}-nodes-{policy}",
            role=node_role.name,
            policy_arn=partition.apply(lambda p, policy=policy: f"arn:{p}:iam::aws:policy/{policy}"),
            opts=in_region,
        )
        for policy in NODE_POLICIES
    ]

    cluster = eks.Cluster(
        s.name,
        name=s.name,
        version=s.version,
        vpc_id=s.aws_vpc_id,
        subnet_ids=s.aws_subnet_ids or None,
        skip_default_node_group=True,
        # Access entries instead of the aws-auth ConfigMap; EKS adds the managed node
        # groups' role itself.
        authentication_mode=eks.AuthenticationMode.API,
        create_oidc_provider=True,
        tags={"kubify.io/cluster": s.name},
        opts=pulumi.ResourceOptions(providers={"aws": provider}),
    )

    for pool in s.node_pools:
        eks.ManagedNodeGroup(
            f"{s.name}-{pool.name}",
            cluster=cluster,
            node_role=node_role,
            instance_types=[pool.instance_type],
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=pool.min, max_size=pool.max, desired_size=pool.desired
            ),
            # Once created, desired size belongs to the cluster autoscaler.
            ignore_scaling_changes=True,
            labels={"kubify.io/node-pool": pool.name},
            tags={"kubify.io/cluster": s.name, "kubify.io/node-pool": pool.name},
            opts=pulumi.ResourceOptions(providers={"aws": provider}, depends_on=attachments),
        )

    # `kubeconfig_json` authenticates with `aws eks get-token` (an exec plugin): its
    # consumers need the AWS CLI and credentials that map to a cluster access entry.
    return ClusterResult(kubeconfig=cluster.kubeconfig_json, cluster_name=pulumi.Output.from_input(s.name))
