"""The pinned Kubecost chart (keep equal to cluster-services' charts.KUBECOST; a test checks)."""

CHART = "cost-analyzer"
REPO = "https://kubecost.github.io/cost-analyzer/"
VERSION = "2.8.6"
SERVICE_PORT = 9090  # the cost-analyzer Service's frontend port
