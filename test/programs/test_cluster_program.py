"""compositions/kubernetes-cluster/programs/cluster under mocks, one provider at a time."""

import json

import pytest
import yaml
from harness import kubeconfig_for, run_program

PROGRAM = "kubernetes-cluster/cluster"
BASE = {"name": "demo", "kubeconfigSecretNamespace": "team-a"}
POOLS = [
    {"name": "general", "instanceType": "m6i.large", "min": 1, "max": 5, "desired": 2},
    {"name": "gpu", "size": "g5.xlarge", "min": 0, "max": 2, "desired": 0},
]


def run(**config):
    return run_program(PROGRAM, config={**BASE, **config})


def kubeconfig_secret(r):
    secret = r.one("kubernetes:core/v1:Secret")
    # The management cluster, where PKO runs the program: the default (ambient) provider.
    # (under mocks a default provider shows as no provider at all)
    assert secret.provider is None
    return secret


def cloud_types(r):
    return {t.split(":")[0] for t in r.types()} - {"kubernetes", "pulumi"}


# --- AWS ---------------------------------------------------------------------------------

def test_aws_builds_eks_cluster_with_a_managed_node_group_per_pool():
    r = run(provider="aws", region="eu-west-1", version="1.33", nodePools=POOLS)
    assert cloud_types(r) == {"aws", "eks"}
    assert r.one("pulumi:providers:aws").inputs["region"] == "eu-west-1"

    cluster = r.one("eks:index:Cluster", "demo")
    assert cluster.inputs["name"] == "demo"
    assert cluster.inputs["version"] == "1.33"
    assert cluster.inputs["skipDefaultNodeGroup"] is True
    assert cluster.inputs["authenticationMode"] == "API"

    groups = {g.name: g for g in r.of_type("eks:index:ManagedNodeGroup")}
    assert sorted(groups) == ["demo-general", "demo-gpu"]
    general, gpu = groups["demo-general"], groups["demo-gpu"]
    assert general.get("scalingConfig") == {"minSize": 1, "maxSize": 5, "desiredSize": 2}
    assert gpu.get("scalingConfig") == {"minSize": 0, "maxSize": 2, "desiredSize": 0}
    assert general.get("instanceTypes") == ["m6i.large"]
    assert gpu.get("instanceTypes") == ["g5.xlarge"], "`size` is accepted as an alias of instanceType"
    assert general.get("labels") == {"kubify.io/node-pool": "general"}
    assert general.get("cluster").endswith("eks:index:Cluster::demo"), "node group belongs to the cluster"
    role = r.one("aws:iam/role:Role")
    assert general.get("nodeRole") == f"{role.name}-id"
    assert "ec2.amazonaws.com" in role.inputs["assumeRolePolicy"]
    arns = sorted(a.inputs["policyArn"] for a in r.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"))
    assert arns == [f"arn:aws:iam::aws:policy/{p}" for p in
                    ("AmazonEC2ContainerRegistryReadOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy")]
    assert all(a.inputs["role"] == role.name for a in r.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"))


def test_aws_outputs_and_the_kubeconfig_secret():
    r = run(provider="aws", region="us-east-1")
    assert r.outputs["provider"] == "aws"
    assert r.outputs["clusterName"] == "demo"
    assert r.outputs["endpoint"] == "https://demo.gr7.us-east-1.eks.amazonaws.com"
    assert r.secret_outputs == {"kubeconfig"}
    kc = json.loads(r.outputs["kubeconfig"])
    assert kc["users"][0]["user"]["exec"]["command"] == "aws"

    secret = kubeconfig_secret(r)
    assert secret.get("metadata.name") == "demo-kubeconfig"
    assert secret.get("metadata.namespace") == "team-a"
    assert secret.get("metadata.labels")["kubify.io/cluster"] == "demo"
    assert secret.get("stringData.kubeconfig") == r.outputs["kubeconfig"]
    assert secret.is_secret("stringData.kubeconfig")
    assert (r.outputs["kubeconfigSecretName"], r.outputs["kubeconfigSecretNamespace"],
            r.outputs["kubeconfigSecretKey"]) == ("demo-kubeconfig", "team-a", "kubeconfig")


def test_aws_without_node_pools_gets_one_default_pool():
    r = run(provider="aws", region="us-east-1")
    (group,) = r.of_type("eks:index:ManagedNodeGroup")
    assert group.get("instanceTypes") == ["t3.large"]
    assert group.get("scalingConfig") == {"minSize": 1, "maxSize": 3, "desiredSize": 2}


def test_aws_passes_vpc_and_subnets_through():
    r = run(provider="aws", region="us-east-1", vpcId="vpc-1", subnetIds=["subnet-a", "subnet-b"])
    cluster = r.one("eks:index:Cluster")
    assert cluster.inputs["vpcId"] == "vpc-1"
    assert cluster.inputs["subnetIds"] == ["subnet-a", "subnet-b"]


def test_kubeconfig_secret_name_and_key_are_configurable():
    r = run(provider="aws", region="us-east-1", kubeconfigSecretName="prod-kc", kubeconfigSecretKey="value")
    secret = kubeconfig_secret(r)
    assert secret.get("metadata.name") == "prod-kc"
    assert set(secret.get("stringData")) == {"value"}


# --- GCP ---------------------------------------------------------------------------------

def test_gcp_builds_gke_without_default_pool_and_a_node_pool_per_pool():
    r = run(provider="gcp", region="europe-west1", gcpProject="acme-prod", version="1.33", nodePools=[
        {"name": "general", "instanceType": "e2-standard-8", "min": 2, "max": 6, "desired": 3},
        {"name": "fixed", "instanceType": "n2-standard-4", "min": 2, "max": 2, "desired": 2},
    ])
    assert cloud_types(r) == {"gcp"}
    provider = r.one("pulumi:providers:gcp")
    assert (provider.inputs["project"], provider.inputs["region"]) == ("acme-prod", "europe-west1")

    cluster = r.one("gcp:container/cluster:Cluster", "demo")
    assert cluster.inputs["removeDefaultNodePool"] is True
    assert cluster.inputs["initialNodeCount"] == 1
    assert cluster.inputs["minMasterVersion"] == "1.33"
    assert cluster.inputs["location"] == "europe-west1"
    assert cluster.inputs["deletionProtection"] is False

    pools = {p.name: p for p in r.of_type("gcp:container/nodePool:NodePool")}
    general, fixed = pools["demo-general"], pools["demo-fixed"]
    assert general.get("cluster") == "demo"
    assert general.get("location") == "europe-west1"
    assert general.get("node_config.machineType", general.get("nodeConfig.machineType")) == "e2-standard-8"
    assert general.get("autoscaling") == {"totalMinNodeCount": 2, "totalMaxNodeCount": 6}
    assert general.get("initialNodeCount") == 3
    assert fixed.get("autoscaling") is None and fixed.get("nodeCount") == 2, "min == max is a fixed-size pool"
    assert general.get("management") == {"autoRepair": True, "autoUpgrade": True}


def test_gcp_kubeconfig_uses_gke_gcloud_auth_plugin():
    r = run(provider="gcp", region="europe-west1", gcpProject="acme-prod", gcpLocation="europe-west1-b")
    assert r.one("gcp:container/cluster:Cluster").inputs["location"] == "europe-west1-b"
    kc = yaml.safe_load(r.outputs["kubeconfig"])
    context = "gke_acme-prod_europe-west1-b_demo"
    assert kc["current-context"] == context
    assert kc["clusters"][0]["cluster"]["server"] == "https://34.118.0.10"
    assert kc["clusters"][0]["cluster"]["certificate-authority-data"]
    exec_ = kc["users"][0]["user"]["exec"]
    assert exec_["command"] == "gke-gcloud-auth-plugin"
    assert exec_["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    assert exec_["provideClusterInfo"] is True
    assert r.outputs["endpoint"] == "https://34.118.0.10"
    assert "kubeconfig" in r.secret_outputs and "endpoint" not in r.secret_outputs
    assert kubeconfig_secret(r).get("stringData.kubeconfig") == r.outputs["kubeconfig"]


# --- Azure -------------------------------------------------------------------------------

def test_azure_builds_resource_group_and_managed_cluster_with_agent_pools():
    r = run(provider="azure", region="westeurope", version="1.33.2", nodePools=[
        {"name": "system", "instanceType": "Standard_D4s_v5", "min": 1, "max": 3, "desired": 2},
        {"name": "batch", "instanceType": "Standard_D8s_v5", "min": 0, "max": 10, "desired": 0},
    ])
    assert cloud_types(r) == {"azure-native"}
    group = r.one("azure-native:resources:ResourceGroup")
    assert (group.inputs["resourceGroupName"], group.inputs["location"]) == ("demo-rg", "westeurope")

    cluster = r.one("azure-native:containerservice:ManagedCluster", "demo")
    assert cluster.inputs["resourceName"] == "demo"
    assert cluster.inputs["resourceGroupName"] == "demo-rg"
    assert cluster.inputs["kubernetesVersion"] == "1.33.2"
    assert cluster.get("identity.type") == "SystemAssigned"
    system, batch = cluster.inputs["agentPoolProfiles"]
    assert (system["name"], system["mode"], system["vmSize"]) == ("system", "System", "Standard_D4s_v5")
    assert (system["count"], system["minCount"], system["maxCount"], system["enableAutoScaling"]) == (2, 1, 3, True)
    assert (batch["name"], batch["mode"], batch["vmSize"]) == ("batch", "User", "Standard_D8s_v5")
    assert (batch["minCount"], batch["maxCount"]) == (0, 10)

    (invoke,) = [i for i in r.invokes if i.token.endswith("listManagedClusterUserCredentials")]
    assert invoke.args == {"resourceGroupName": "demo-rg", "resourceName": "demo"}
    assert r.outputs["endpoint"] == "https://demo-dns.hcp.westeurope.azmk8s.io:443"
    assert yaml.safe_load(r.outputs["kubeconfig"])["kind"] == "Config", "kubeconfig is base64-decoded"
    assert "kubeconfig" in r.secret_outputs
    assert kubeconfig_secret(r).is_secret("stringData.kubeconfig")


def test_azure_resource_group_name_is_configurable():
    r = run(provider="azure", region="westeurope", resourceGroupName="platform")
    assert r.one("azure-native:resources:ResourceGroup").inputs["resourceGroupName"] == "platform"


# --- existing ----------------------------------------------------------------------------

def test_existing_reexports_the_kubeconfig_without_cloud_resources():
    kc = kubeconfig_for("https://10.0.0.1:6443")
    r = run_program(PROGRAM, config={**BASE, "provider": "existing"}, secrets={"kubeconfig": kc})
    assert cloud_types(r) == set()
    assert r.types() == ["kubernetes:core/v1:Secret"]
    assert r.outputs["kubeconfig"] == kc and "kubeconfig" in r.secret_outputs
    assert r.outputs["endpoint"] == "https://10.0.0.1:6443"
    assert r.outputs["clusterName"] == "demo" and r.outputs["provider"] == "existing"
    assert kubeconfig_secret(r).get("stringData.kubeconfig") == kc


def test_existing_rejects_a_kubeconfig_without_a_server():
    with pytest.raises(Exception, match="cluster:kubeconfig is not a usable kubeconfig"):
        run_program(PROGRAM, config={**BASE, "provider": "existing"}, secrets={"kubeconfig": "{}"})


# --- configuration errors ----------------------------------------------------------------

@pytest.mark.parametrize(
    "config, messages",
    [
        ({}, ["cluster:provider is required"]),
        ({"provider": "digitalocean"}, ["cluster:provider must be one of aws, gcp, azure, existing"]),
        ({"provider": "aws"}, ["cluster:region is required when cluster:provider is 'aws'"]),
        ({"provider": "azure"}, ["cluster:region is required when cluster:provider is 'azure'"]),
        ({"provider": "gcp", "region": "us-central1"}, ["cluster:gcpProject is required"]),
        ({"provider": "existing"}, ["cluster:kubeconfig is required when cluster:provider is 'existing'"]),
        ({"provider": "aws", "region": "r", "name": None}, ["cluster:name is required"]),
        ({"provider": "aws", "region": "r", "name": "Bad_Name"}, ["cluster:name 'Bad_Name' must be a DNS label"]),
        ({"provider": "aws", "region": "r", "kubeconfigSecretNamespace": None},
         ["cluster:kubeconfigSecretNamespace is required"]),
        ({"provider": "aws", "region": "r", "nodePools": "not json"}, ["cluster:nodePools is not valid JSON"]),
        ({"provider": "aws", "region": "r", "nodePools": []}, ["cluster:nodePools must be a non-empty JSON list"]),
        ({"provider": "aws", "region": "r", "nodePools": [{"name": "a", "min": 3, "max": 2}]},
         ["cluster:nodePools[0]: need 0 <= min <= max"]),
        ({"provider": "aws", "region": "r", "nodePools": [{"name": "a", "min": 1, "max": 2, "desired": 5}]},
         ["cluster:nodePools[0]: desired=5 must lie within min=1 and max=2"]),
        ({"provider": "aws", "region": "r", "nodePools": [{"name": "a"}, {"name": "a"}]},
         ["cluster:nodePools[1].name 'a' is used by more than one pool"]),
        ({"provider": "aws", "region": "r", "nodePools": [{"name": "a", "cpu": 4}]},
         ["cluster:nodePools[0] has unknown field(s) cpu"]),
        ({"provider": "azure", "region": "r", "nodePools": [{"name": "general-purpose"}]},
         ["cluster:nodePools[0].name 'general-purpose' is not a valid AKS agent pool name"]),
        ({"provider": "azure", "region": "r", "nodePools": [{"name": "sys", "min": 0, "max": 2, "desired": 0}]},
         ["cluster:nodePools[0] is the AKS system pool and needs min >= 1"]),
        # several problems are reported together
        ({"provider": "gcp", "kubeconfigSecretNamespace": None},
         ["cluster:region is required", "cluster:gcpProject is required", "cluster:kubeconfigSecretNamespace"]),
    ],
)
def test_invalid_configuration_fails_naming_the_key(config, messages, mocks):
    full = {k: v for k, v in {**BASE, **config}.items() if v is not None}
    with pytest.raises(Exception) as info:
        run_program(PROGRAM, config=full, mocks=mocks)
    text = str(info.value)
    assert "invalid stack configuration for program 'cluster'" in text
    for message in messages:
        assert message in text
    assert mocks.resources == [], "nothing is created when the configuration is invalid"
