"""compositions/cluster-services/programs/services under mocks."""

import pytest
from harness import kubeconfig_for, program_dir, run_program

PROGRAM = "cluster-services/services"
RELEASE = "kubernetes:helm.sh/v3:Release"


def releases(r):
    return {x.name: x for x in r.of_type(RELEASE)}


def test_default_bundle_installs_cert_manager_kubecost_metrics_and_kaniko_but_not_pixie():
    r = run_program(PROGRAM)
    rel = releases(r)
    assert sorted(rel) == ["cert-manager", "kube-prometheus-stack", "kubecost"]
    expected = {
        "cert-manager": ("cert-manager", "https://charts.jetstack.io", "v1.19.4", "cert-manager"),
        "kubecost": ("cost-analyzer", "https://kubecost.github.io/cost-analyzer/", "2.8.6", "kubecost"),
        "kube-prometheus-stack": ("kube-prometheus-stack", "https://prometheus-community.github.io/helm-charts",
                                  "85.1.3", "monitoring"),
    }
    for name, (chart, repo, version, namespace) in expected.items():
        x = rel[name]
        assert (x.get("chart"), x.get("repositoryOpts.repo"), x.get("version"), x.get("namespace")) == \
               (chart, repo, version, namespace), name
    assert rel["cert-manager"].get("values.crds") == {"enabled": True, "keep": True}
    namespaces = sorted(n.get("metadata.name") for n in r.of_type("kubernetes:core/v1:Namespace"))
    assert namespaces == ["cert-manager", "kubecost", "kubify-builds", "monitoring"]
    assert r.outputs["pixie"] == {"enabled": False}
    assert r.outputs["certManager"]["status"] == "deployed"
    assert r.outputs["kaniko"]["enabled"] is True


def test_everything_targets_the_target_cluster_provider():
    r = run_program(PROGRAM, secrets={"kubeconfig": kubeconfig_for("https://workload:6443")})
    target = r.one("pulumi:providers:kubernetes", "target")
    assert "https://workload:6443" in target.inputs["kubeconfig"] and target.is_secret("kubeconfig")
    for x in r.resources:
        if x.type.startswith("kubernetes:") and x.custom:
            assert x.provider and "pulumi:providers:kubernetes::target" in x.provider, x.name


def test_without_kubeconfig_the_provider_uses_the_ambient_cluster():
    r = run_program(PROGRAM)
    assert "kubeconfig" not in r.one("pulumi:providers:kubernetes", "target").inputs


def test_every_part_can_be_switched_off():
    r = run_program(PROGRAM, config={"certManager": False, "kubecost": False, "metrics": False, "kaniko": False})
    assert r.of_type(RELEASE) == [] and r.of_type("kubernetes:core/v1:Namespace") == []
    assert all(v == {"enabled": False} for v in r.outputs.values())


def test_pixie_needs_a_deploy_key():
    with pytest.raises(Exception, match="services:pixieDeployKey is required when services:pixie is true"):
        run_program(PROGRAM, config={"pixie": True})


def test_pixie_gets_deploy_key_as_secret_and_cluster_name():
    r = run_program(PROGRAM, config={"pixie": True, "clusterName": "prod-eu"}, secrets={"pixieDeployKey": "px-dep-1"})
    pixie = releases(r)["pixie"]
    assert (pixie.get("chart"), pixie.get("version"), pixie.get("namespace")) == ("pixie-operator-chart", "0.1.6", "pl")
    assert pixie.get("repositoryOpts.repo") == "https://artifacts.px.dev/helm_charts/operator"
    assert pixie.get("values.deployKey") == "px-dep-1" and pixie.is_secret("values.deployKey")
    assert pixie.get("values.clusterName") == "prod-eu"


def test_kubecost_token_is_a_secret_value():
    r = run_program(PROGRAM, config={"clusterName": "prod-eu"}, secrets={"kubecostToken": "tok"})
    kubecost = releases(r)["kubecost"]
    assert kubecost.get("values.kubecostToken") == "tok" and kubecost.is_secret("values.kubecostToken")
    assert kubecost.get("values.kubecostProductConfigs.clusterName") == "prod-eu"


def test_values_overrides_merge_deeply_over_the_defaults():
    r = run_program(PROGRAM, config={"values": {
        "certManager": {"crds": {"keep": False}, "replicaCount": 2},
        "metrics": {"grafana": {"enabled": False}},
    }})
    rel = releases(r)
    assert rel["cert-manager"].get("values") == {"crds": {"enabled": True, "keep": False}, "replicaCount": 2}
    assert rel["kube-prometheus-stack"].get("values") == {"grafana": {"enabled": False}}


def test_kaniko_build_path():
    r = run_program(PROGRAM, config={"kanikoLauncher": "platform/kubify-operator",
                                     "kanikoRegistrySecretName": "ghcr-push"})
    sa = r.one("kubernetes:core/v1:ServiceAccount", "kaniko-builder")
    assert sa.get("metadata.namespace") == "kubify-builds"
    assert sa.get("automountServiceAccountToken") is False
    role = r.one("kubernetes:rbac.authorization.k8s.io/v1:Role", "kaniko-launcher")
    rules = {(tuple(x["apiGroups"]), tuple(x["resources"])): set(x["verbs"]) for x in role.get("rules")}
    assert {"create", "delete"} <= rules[(("batch",), ("jobs",))]
    assert rules[(("",), ("pods/log",))] == {"get"}
    assert all("secrets" not in res for (_, res) in rules), "the launcher never reads registry credentials"
    binding = r.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "kaniko-launcher")
    assert binding.get("subjects") == [{"kind": "ServiceAccount", "name": "kubify-operator", "namespace": "platform"}]
    assert binding.get("roleRef.name") == "kaniko-launcher"
    config = r.one("kubernetes:core/v1:ConfigMap", "kaniko-build-config")
    assert config.get("data.image") == "ghcr.io/osscontainertools/kaniko:v1.28.5"
    assert config.get("data.registrySecretName") == "ghcr-push"
    assert config.get("data.serviceAccountName") == "kaniko-builder"
    assert r.outputs["kaniko"]["image"] == "ghcr.io/osscontainertools/kaniko:v1.28.5"
    assert r.one("kubernetes:core/v1:Namespace", "kaniko").get("metadata.name") == "kubify-builds"


def test_kaniko_image_and_namespace_are_configurable():
    r = run_program(PROGRAM, config={"kanikoImage": "registry.internal/kaniko:v1.28.5", "kanikoNamespace": "builds"})
    config = r.one("kubernetes:core/v1:ConfigMap", "kaniko-build-config")
    assert config.get("data.image") == "registry.internal/kaniko:v1.28.5"
    assert config.get("metadata.namespace") == "builds"


def test_kaniko_image_is_the_maintained_fork_not_the_archived_upstream():
    text = (program_dir(PROGRAM) / "charts.py").read_text()
    assert "gcr.io/kaniko-project" not in text


@pytest.mark.parametrize("config, message", [
    ({"kanikoLauncher": "no-slash"}, "services:kanikoLauncher must be '<namespace>/<serviceaccount>'"),
    ({"metrics": "maybe"}, "services:metrics must be true or false"),
    ({"values": {"grafana": {}}}, "services:values must be an object keyed by"),
    ({"values": "{oops"}, "services:values is not valid JSON"),
])
def test_invalid_configuration_fails_naming_the_key(config, message, mocks):
    with pytest.raises(Exception, match="invalid stack configuration for program 'services'") as info:
        run_program(PROGRAM, config=config, mocks=mocks)
    assert message in str(info.value)
    assert mocks.resources == []
