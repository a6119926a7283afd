"""compositions/kubecost/programs/kubecost under mocks."""

import base64

import pytest
from harness import RecordingMocks, kubeconfig_for, run_program

PROGRAM = "kubecost/kubecost"
SECRET = "kubernetes:core/v1:Secret"


def release(r):
    return r.one("kubernetes:helm.sh/v3:Release", "kubecost")


def test_defaults_bundled_prometheus_no_ingress():
    r = run_program(PROGRAM)
    ns = r.one("kubernetes:core/v1:Namespace")
    assert ns.get("metadata.name") == "kubecost"
    x = release(r)
    assert (x.get("chart"), x.get("version"), x.get("repositoryOpts.repo")) == \
           ("cost-analyzer", "2.8.6", "https://kubecost.github.io/cost-analyzer/")
    assert (x.get("name"), x.get("namespace")) == ("kubecost", "kubecost")
    assert x.get("values.global") is None, "the bundled Prometheus stays enabled"
    assert x.get("values.ingress") is None and x.get("values.kubecostToken") is None
    assert r.outputs["prometheus"] == "bundled"
    assert r.outputs["url"] == "http://kubecost-cost-analyzer.kubecost.svc:9090"
    assert (r.outputs["namespace"], r.outputs["releaseName"], r.outputs["status"]) == ("kubecost", "kubecost", "deployed")


def test_external_prometheus():
    r = run_program(PROGRAM, config={"prometheusUrl": "http://prometheus.monitoring.svc:9090"})
    assert release(r).get("values.global.prometheus") == {"enabled": False, "fqdn": "http://prometheus.monitoring.svc:9090"}
    assert r.outputs["prometheus"] == "http://prometheus.monitoring.svc:9090"


def test_ingress_with_class_and_tls():
    r = run_program(PROGRAM, config={"ingressHost": "cost.example.com", "ingressClassName": "nginx",
                                     "ingressTlsSecretName": "cost-tls",
                                     "ingressAnnotations": {"cert-manager.io/cluster-issuer": "le"}})
    ingress = release(r).get("values.ingress")
    assert ingress["enabled"] is True and ingress["hosts"] == ["cost.example.com"]
    assert ingress["className"] == "nginx"
    assert ingress["tls"] == [{"secretName": "cost-tls", "hosts": ["cost.example.com"]}]
    assert ingress["annotations"] == {"cert-manager.io/cluster-issuer": "le"}
    assert r.outputs["url"] == "https://cost.example.com"


def test_ingress_without_tls_is_http():
    r = run_program(PROGRAM, config={"ingressHost": "cost.internal"})
    assert "tls" not in release(r).get("values.ingress")
    assert r.outputs["url"] == "http://cost.internal"


def test_token_from_secret_config():
    r = run_program(PROGRAM, secrets={"kubecostToken": "tok-1"})
    x = release(r)
    assert x.get("values.kubecostToken") == "tok-1" and x.is_secret("values.kubecostToken")


def test_token_read_from_an_existing_secret():
    token = base64.b64encode(b"tok-from-secret").decode()
    mocks = RecordingMocks(reads={(SECRET, "finance/kubecost-token"): {"data": {"token": token}}})
    r = run_program(PROGRAM, config={"tokenSecretName": "kubecost-token", "tokenSecretNamespace": "finance",
                                     "tokenSecretKey": "token"}, mocks=mocks)
    (read,) = [x for x in r.resources if x.type == SECRET and x.read_id]
    assert read.read_id == "finance/kubecost-token"
    x = release(r)
    assert x.get("values.kubecostToken") == "tok-from-secret" and x.is_secret("values.kubecostToken")


def test_token_secret_without_the_key_fails_naming_it():
    mocks = RecordingMocks(reads={(SECRET, "kubecost/kc"): {"data": {"other": "eA=="}}})
    with pytest.raises(Exception, match="Secret kubecost/kc has no key 'kubecostToken'"):
        run_program(PROGRAM, config={"tokenSecretName": "kc"}, mocks=mocks)


def test_existing_namespace_target_cluster_and_value_overrides():
    r = run_program(PROGRAM, config={"createNamespace": False, "namespace": "cost", "releaseName": "kc",
                                     "values": {"kubecostProductConfigs": {"currencyCode": "EUR"}}},
                    secrets={"kubeconfig": kubeconfig_for("https://workload:6443")})
    assert r.of_type("kubernetes:core/v1:Namespace") == []
    x = release(r)
    assert (x.get("namespace"), x.get("name")) == ("cost", "kc")
    assert x.get("values.kubecostProductConfigs") == {"clusterName": "test", "currencyCode": "EUR"}
    assert "pulumi:providers:kubernetes::target" in x.provider
    assert r.outputs["service"] == "kc-cost-analyzer"


@pytest.mark.parametrize("config, secrets, message", [
    ({"tokenSecretName": "s"}, {"kubecostToken": "t"}, "set either kubecost:kubecostToken or kubecost:tokenSecretName"),
    ({"prometheusUrl": "prometheus:9090"}, {}, "kubecost:prometheusUrl must be an http(s) URL"),
    ({"ingressTlsSecretName": "tls"}, {}, "kubecost:ingressHost is required when"),
    ({"namespace": "Cost_NS"}, {}, "kubecost:namespace 'Cost_NS' must be a DNS label"),
    ({"createNamespace": "perhaps"}, {}, "kubecost:createNamespace must be true or false"),
])
def test_invalid_configuration_fails_naming_the_key(config, secrets, message, mocks):
    with pytest.raises(Exception, match="invalid stack configuration for program 'kubecost'") as info:
        run_program(PROGRAM, config=config, secrets=secrets, mocks=mocks)
    assert message in str(info.value)
    assert mocks.resources == []
