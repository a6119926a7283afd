"""compositions/operators/programs/helm-operator under mocks."""

import pytest
from harness import kubeconfig_for, load_module, program_dir, run_program

PROGRAM = "operators/helm-operator"
EXPECTED = {
    "kuberay": ("kuberay-operator", "https://ray-project.github.io/kuberay-helm/", "1.6.2", "kuberay-system", "ray.io"),
    "cert-manager": ("cert-manager", "https://charts.jetstack.io", "v1.19.4", "cert-manager", "cert-manager.io"),
    "cloudnative-pg": ("cloudnative-pg", "https://cloudnative-pg.github.io/charts", "0.29.0", "cnpg-system",
                       "postgresql.cnpg.io"),
}


@pytest.mark.parametrize("operator", sorted(EXPECTED))
def test_catalog_operator_is_a_pinned_release_in_its_namespace(operator):
    chart, repo, version, namespace, group = EXPECTED[operator]
    r = run_program(PROGRAM, config={"operator": operator})
    ns = r.one("kubernetes:core/v1:Namespace")
    assert ns.get("metadata.name") == namespace
    x = r.one("kubernetes:helm.sh/v3:Release")
    assert (x.get("name"), x.get("chart"), x.get("repositoryOpts.repo"), x.get("version"), x.get("namespace")) == \
           (operator, chart, repo, version, namespace)
    assert r.outputs["version"] == version and r.outputs["status"] == "deployed"
    assert group in r.outputs["apiGroups"]


def test_cert_manager_installs_its_crds():
    r = run_program(PROGRAM, config={"operator": "cert-manager"})
    assert r.one("kubernetes:helm.sh/v3:Release").get("values.crds") == {"enabled": True, "keep": True}


def test_any_chart_by_chart_repo_version():
    r = run_program(PROGRAM, config={"chart": "strimzi-kafka-operator", "repo": "https://strimzi.io/charts/",
                                     "version": "0.47.0", "namespace": "kafka", "values": {"watchAnyNamespace": True}})
    x = r.one("kubernetes:helm.sh/v3:Release")
    assert (x.get("name"), x.get("chart"), x.get("version"), x.get("namespace")) == \
           ("strimzi-kafka-operator", "strimzi-kafka-operator", "0.47.0", "kafka")
    assert x.get("values") == {"watchAnyNamespace": True}
    assert r.outputs["apiGroups"] == []


def test_overrides_merge_over_catalog_values_and_target_a_cluster():
    r = run_program(PROGRAM, config={"operator": "cert-manager", "releaseName": "cm", "namespace": "security",
                                     "values": {"crds": {"keep": False}}},
                    secrets={"kubeconfig": kubeconfig_for("https://workload:6443")})
    x = r.one("kubernetes:helm.sh/v3:Release")
    assert (x.get("name"), x.get("namespace")) == ("cm", "security")
    assert x.get("values.crds") == {"enabled": True, "keep": False}
    assert "pulumi:providers:kubernetes::target" in x.provider
    assert r.one("pulumi:providers:kubernetes", "target").is_secret("kubeconfig")


def test_kubecost_is_not_in_the_catalog_the_kubecost_pack_installs_it():
    catalog = load_module(program_dir(PROGRAM) / "catalog.py", "helm_operator_catalog")
    assert set(catalog.CATALOG) == set(EXPECTED)


@pytest.mark.parametrize("config, message", [
    ({}, "helm-operator:operator is required (one of cert-manager, cloudnative-pg, kuberay), or else "
         "helm-operator:chart, helm-operator:repo, helm-operator:version"),
    ({"chart": "x", "repo": "https://r"}, "or else helm-operator:version"),
    ({"operator": "istio"}, "helm-operator:operator 'istio' is not in the catalog (cert-manager, cloudnative-pg, kuberay)"),
    ({"operator": "kuberay", "namespace": "Ray"}, "helm-operator:namespace 'Ray' must be a DNS label"),
    ({"operator": "kuberay", "values": [1]}, "helm-operator:values must be a JSON object"),
])
def test_invalid_configuration_fails_naming_the_key(config, message, mocks):
    with pytest.raises(Exception, match="invalid stack configuration for program 'helm-operator'") as info:
        run_program(PROGRAM, config=config, mocks=mocks)
    assert message in str(info.value)
    assert mocks.resources == []
