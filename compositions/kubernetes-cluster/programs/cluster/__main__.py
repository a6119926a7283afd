"""kubify KubernetesCluster program.

Provisions a cluster on `provider` (aws | gcp | azure) or registers an `existing` one,
writes its kubeconfig into a Secret of the management cluster (where PKO runs this
program) and exports kubeconfig (secret), clusterName, endpoint and provider.
Every per-claim value arrives as stack config; see README.md.
"""

import importlib

import pulumi
import pulumi_kubernetes as k8s

import cluster_settings
from kubeconfigs import server_of

settings = cluster_settings.load()

# Only the chosen provider's SDK is imported.
provider_module = importlib.import_module(f"provider_{settings.provider}")
result = provider_module.create(settings)

kubeconfig = pulumi.Output.secret(result.kubeconfig)

# The management cluster is the one PKO's workspace pod runs in: the default
# Kubernetes provider (in-cluster service account) reaches it.
kubeconfig_secret = k8s.core.v1.Secret(
    "kubeconfig",
    metadata=k8s.meta.v1.ObjectMetaArgs(
        name=settings.kubeconfig_secret_name,
        namespace=settings.kubeconfig_secret_namespace,
        labels={
            "app.kubernetes.io/managed-by": "kubify",
            "kubify.io/cluster": settings.name,
            "kubify.io/provider": settings.provider,
        },
    ),
    type="Opaque",
    string_data={settings.kubeconfig_secret_key: kubeconfig},
)

pulumi.export("kubeconfig", kubeconfig)
pulumi.export("clusterName", result.cluster_name)
# The API server URL is not sensitive: keep it readable in the Stack status.
pulumi.export("endpoint", pulumi.Output.unsecret(result.kubeconfig.apply(server_of)))
pulumi.export("provider", settings.provider)
pulumi.export("kubeconfigSecretName", kubeconfig_secret.metadata.name)
pulumi.export("kubeconfigSecretNamespace", kubeconfig_secret.metadata.namespace)
pulumi.export("kubeconfigSecretKey", settings.kubeconfig_secret_key)
