"""kubify Kubecost program: the cost-analyzer chart with

* the Kubecost token from secret config `kubecostToken` (wire it from a Secret with the
  Stack's secretsRef) or read from an existing Secret in the target cluster
  (`tokenSecretName`/`tokenSecretKey`/`tokenSecretNamespace`);
* the bundled Prometheus, or an external one when `prometheusUrl` is set;
* an optional Ingress (`ingressHost`, `ingressClassName`, `ingressTlsSecretName`).

Every per-claim value arrives as stack config; see README.md.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

import chart


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

namespace = cfg.get("namespace") or "kubecost"
release_name = cfg.get("releaseName") or "kubecost"
for k, v in (("namespace", namespace), ("releaseName", release_name)):
    if not DNS_LABEL.match(v) or len(v) > 53:
        problems.append(f"{key(k)} '{v}' must be a DNS label of at most 53 characters")
try:
    create_namespace = cfg.get_bool("createNamespace")
except pulumi.ConfigTypeError:
    problems.append(f"{key('createNamespace')} must be true or false")
    create_namespace = None
create_namespace = True if create_namespace is None else create_namespace

token = cfg.get_secret("kubecostToken")
token_secret = cfg.get("tokenSecretName")
if token is not None and token_secret:
    problems.append(f"set either {key('kubecostToken')} or {key('tokenSecretName')}, not both")

prometheus_url = cfg.get("prometheusUrl")
if prometheus_url and not re.match(r"^https?://[^/\s]+", prometheus_url):
    problems.append(f"{key('prometheusUrl')} must be an http(s) URL, not '{prometheus_url}'")

ingress_host = cfg.get("ingressHost")
ingress_class = cfg.get("ingressClassName")
ingress_tls = cfg.get("ingressTlsSecretName")
if (ingress_class or ingress_tls) and not ingress_host:
    problems.append(f"{key('ingressHost')} is required when {key('ingressClassName')} or {key('ingressTlsSecretName')} is set")
try:
    ingress_annotations = cfg.get_object("ingressAnnotations") or {}
    overrides = cfg.get_object("values") or {}
except pulumi.ConfigTypeError as err:
    problems.append(str(err))
    ingress_annotations, overrides = {}, {}

if problems:
    raise ConfigError("invalid stack configuration for program 'kubecost':\n  - " + "\n  - ".join(problems))

kubeconfig = cfg.get_secret("kubeconfig")
target = k8s.Provider("target", kubeconfig=kubeconfig) if kubeconfig is not None else k8s.Provider("target")
opts = pulumi.ResourceOptions(provider=target)

ns_name: pulumi.Input[str] = namespace
if create_namespace:
    ns = k8s.core.v1.Namespace(
        "kubecost",
        metadata=k8s.meta.v1.ObjectMetaArgs(name=namespace, labels={"app.kubernetes.io/managed-by": "kubify"}),
        opts=opts,
    )
    ns_name = ns.metadata.name

if token_secret:
    secret_ns = cfg.get("tokenSecretNamespace") or namespace
    secret_key = cfg.get("tokenSecretKey") or "kubecostToken"
    existing = k8s.core.v1.Secret.get("kubecost-token", f"{secret_ns}/{token_secret}", opts=opts)

    def pick(data: Any) -> str:
        if not data or secret_key not in data:
            raise pulumi.RunError(
                f"Secret {secret_ns}/{token_secret} has no key '{secret_key}' "
                f"(config {key('tokenSecretName')}/{key('tokenSecretKey')})"
            )
        return base64.b64decode(data[secret_key]).decode("utf-8")

    token = pulumi.Output.secret(existing.data.apply(pick))

values: dict[str, Any] = {"kubecostProductConfigs": {"clusterName": cfg.get("clusterName") or pulumi.get_stack()}}
if token is not None:
    values["kubecostToken"] = token
if prometheus_url:
    values["global"] = {"prometheus": {"enabled": False, "fqdn": prometheus_url}}
if ingress_host:
    ingress: dict[str, Any] = {
        "enabled": True,
        "hosts": [ingress_host],
        "paths": ["/"],
        "pathType": "Prefix",
        "annotations": ingress_annotations,
    }
    if ingress_class:
        ingress["className"] = ingress_class
    if ingress_tls:
        ingress["tls"] = [{"secretName": ingress_tls, "hosts": [ingress_host]}]
    values["ingress"] = ingress

release = k8s.helm.v3.Release(
    "kubecost",
    name=release_name,
    chart=chart.CHART,
    version=chart.VERSION,
    repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=chart.REPO),
    namespace=ns_name,
    values=merge(values, overrides),
    cleanup_on_fail=True,
    max_history=5,
    timeout=900,
    opts=opts,
)

service = f"{release_name}-cost-analyzer"
pulumi.export("namespace", release.status.namespace)
pulumi.export("releaseName", release.status.name)
pulumi.export("chartVersion", release.status.version)
pulumi.export("status", release.status.status)
pulumi.export("service", service)
pulumi.export(
    "url",
    f"{'https' if ingress_tls else 'http'}://{ingress_host}" if ingress_host
    else f"http://{service}.{namespace}.svc:{chart.SERVICE_PORT}",
)
pulumi.export("prometheus", prometheus_url or "bundled")
