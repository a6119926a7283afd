"""Kubeconfig helpers shared by the providers of the `cluster` program."""

from __future__ import annotations

from typing import Any

import json

import yaml


def dumps(obj: Any) -> str:
    """Deterministic JSON (sorted keys) for kubeconfigs and policies."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def gke_kubeconfig(context: str, endpoint: str, ca_certificate: str) -> str:
    """A kubeconfig for a GKE cluster that authenticates with `gke-gcloud-auth-plugin`.

    The consumer (e.g. the cluster-services program's workspace image) needs the plugin
    on PATH and Google credentials (workload identity or GOOGLE_APPLICATION_CREDENTIALS).
    """
    doc: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": context,
                "cluster": {
                    "server": f"https://{endpoint}",
                    "certificate-authority-data": ca_certificate,
                },
            }
        ],
        "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
        "current-context": context,
        "users": [
            {
                "name": context,
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "gke-gcloud-auth-plugin",
                        "installHint": "Install gke-gcloud-auth-plugin for use with kubectl by following "
                        "https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin",
                        "provideClusterInfo": True,
                        "interactiveMode": "Never",
                    }
                },
            }
        ],
    }
    return dumps(doc)


def server_of(kubeconfig: str) -> str:
    """The API server URL of the kubeconfig's current context (or its first cluster)."""
    doc = yaml.safe_load(kubeconfig) or {}
    clusters = {c.get("name"): c.get("cluster", {}) for c in doc.get("clusters") or []}
    current = doc.get("current-context")
    for ctx in doc.get("contexts") or []:
        if ctx.get("name") == current:
            cluster = clusters.get((ctx.get("context") or {}).get("cluster"))
            if cluster and cluster.get("server"):
                return str(cluster["server"])
    for cluster in clusters.values():
        if cluster.get("server"):
            return str(cluster["server"])
    raise ValueError("the kubeconfig names no cluster server")
