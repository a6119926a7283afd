"""The contract between the programs and the packs that ship them: layout, pins,
documented config and outputs, and chart versions that agree across programs."""

import re
from pathlib import Path

import pytest
import yaml
from harness import COMPOSITIONS, REPO, load_module, program_dir

PROGRAMS = sorted(str(p.parent.relative_to(COMPOSITIONS)).replace("/programs/", "/")
                  for p in COMPOSITIONS.glob("*/programs/*/Pulumi.yaml"))
CONFIG_CALL = re.compile(r"cfg\.(?:get|get_bool|get_int|get_object|get_secret|require|require_secret)\(\s*\"(\w+)\"")
EXPORT_CALL = re.compile(r"pulumi\.export\(\s*\"(\w+)\"")
COMPONENTS = re.compile(r"^COMPONENTS = \(([^)]*)\)", re.M)


def pins(path: Path) -> dict:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            out[name.lower().replace("_", "-")] = version
    return out


def sources(ref: str) -> str:
    return "\n".join(p.read_text() for p in sorted(program_dir(ref).glob("*.py")))


def test_the_expected_programs_exist():
    assert PROGRAMS == ["cluster-services/services", "kubecost/kubecost",
                        "kubernetes-cluster/cluster", "operators/helm-operator"]


@pytest.mark.parametrize("ref", PROGRAMS)
def test_program_layout_and_python_runtime(ref):
    d = program_dir(ref)
    project = yaml.safe_load((d / "Pulumi.yaml").read_text())
    assert project["name"] == d.name
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    for f in ("__main__.py", "requirements.txt", "README.md"):
        assert (d / f).is_file(), f
    # Never templated: claim values arrive as stack config only.
    for f in d.iterdir():
        if f.suffix in (".py", ".yaml", ".txt"):
            assert "{{" not in f.read_text(), f"{f} looks templated"


@pytest.mark.parametrize("ref", PROGRAMS)
def test_requirements_are_pinned_to_the_tested_versions(ref):
    tested = pins(REPO / "tools/python/requirements-test.txt")
    program = pins(program_dir(ref) / "requirements.txt")
    assert "pulumi" in program and "pulumi-kubernetes" in program
    for name, version in program.items():
        assert version, f"{name} is not pinned with =="
        assert tested.get(name) == version, f"{name}=={version} differs from requirements-test.txt"


@pytest.mark.parametrize("ref", PROGRAMS)
def test_readme_documents_every_config_key_and_output(ref):
    src = sources(ref)
    readme = (program_dir(ref) / "README.md").read_text()
    keys = set(CONFIG_CALL.findall(src))
    exports = set(EXPORT_CALL.findall(src))
    for match in COMPONENTS.findall(src):  # services reads/exports one key per component
        names = set(re.findall(r"\"(\w+)\"", match))
        keys |= names
        exports |= names
    assert keys and exports
    undocumented = sorted(k for k in keys | exports if f"`{k}`" not in readme)
    assert not undocumented, f"README.md of {ref} does not document {undocumented}"


def test_chart_pins_agree_across_programs():
    charts = load_module(program_dir("cluster-services/services") / "charts.py", "services_charts")
    catalog = load_module(program_dir("operators/helm-operator") / "catalog.py", "operator_catalog")
    kubecost = load_module(program_dir("kubecost/kubecost") / "chart.py", "kubecost_chart")
    cm = catalog.CATALOG["cert-manager"]
    assert (cm.chart, cm.repo, cm.version, cm.values) == \
           (charts.CERT_MANAGER.chart, charts.CERT_MANAGER.repo, charts.CERT_MANAGER.version, charts.CERT_MANAGER.values)
    assert (kubecost.CHART, kubecost.REPO, kubecost.VERSION) == \
           (charts.KUBECOST.chart, charts.KUBECOST.repo, charts.KUBECOST.version)
