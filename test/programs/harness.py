"""Runs a pack's Pulumi Python program under Pulumi's mock runtime with the real SDKs.

`run_program("kubernetes-cluster/cluster", config={...}, secrets={...})` executes the
program's `__main__.py` exactly as the Python language host would (inside a Stack, with
stack config), but every resource registration, read and invoke goes to `RecordingMocks`.
It returns a `ProgramRun` with the registered resources (type, name, inputs), the invokes,
and the resolved stack outputs with their secret flags.

Each run happens on a fresh thread: Pulumi keeps its settings, root stack and config in
context variables, and a new thread starts with an empty context, so runs never leak
state into each other.
"""

from __future__ import annotations

import asyncio
import base64
import json
import runpy
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import pulumi
import yaml
from pulumi.runtime import mocks as pmocks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import SETTINGS, get_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

REPO = Path(__file__).resolve().parents[2]
COMPOSITIONS = REPO / "compositions"

FAKE_CA = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n").decode()


def program_dir(ref: str) -> Path:
    """`<pack>/<program>` -> compositions/<pack>/programs/<program>."""
    pack, name = ref.split("/", 1)
    return COMPOSITIONS / pack / "programs" / name


def project_name(directory: Path) -> str:
    return yaml.safe_load((directory / "Pulumi.yaml").read_text())["name"]


def kubeconfig_for(server: str, user: Optional[dict] = None) -> str:
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "c", "cluster": {"server": server, "certificate-authority-data": FAKE_CA}}],
            "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
            "current-context": "c",
            "users": [{"name": "u", "user": user or {"token": "t"}}],
        }
    )


_SIG_KEY = "4dabf18193072939515e22adb298388d"  # pulumi.runtime.rpc._special_sig_key
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # pulumi.runtime.rpc._special_secret_sig


def _unwrap(value: Any, path: str, secret_paths: set[str]) -> Any:
    """Replace serialized secrets by their plain values, remembering where they were."""
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            secret_paths.add(path)
            return _unwrap(value.get("value"), path, secret_paths)
        return {k: _unwrap(v, f"{path}.{k}" if path else k, secret_paths) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v, f"{path}.{i}", secret_paths) for i, v in enumerate(value)]
    return value


@dataclass
class Registered:
    type: str
    name: str
    inputs: dict
    provider: Optional[str]
    custom: bool
    read_id: Optional[str] = None  # set for `.get()` reads
    secret_paths: set[str] = field(default_factory=set)  # dotted input paths that were secrets

    def is_secret(self, path: str) -> bool:
        return any(path == p or path.startswith(p + ".") for p in self.secret_paths)

    def get(self, path: str, default: Any = None) -> Any:
        """Dotted lookup into inputs: `r.get("scalingConfig.minSize")`."""
        cur: Any = self.inputs
        for part in path.split("."):
            if isinstance(cur, dict) and part in cur:
                cur = cur[part]
            elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
                cur = cur[int(part)]
            else:
                return default
        return cur


@dataclass
class Invoked:
    token: str
    args: dict


class RecordingMocks(pulumi.runtime.Mocks):
    """Echoes inputs as outputs, adds plausible provider-computed outputs per type, and
    records everything. `reads` maps (type, id) -> state for `Resource.get` reads."""

    def __init__(self, reads: Optional[dict[tuple[str, str], dict]] = None,
                 calls: Optional[dict[str, Callable[[dict], dict]]] = None):
        self.resources: list[Registered] = []
        self.invokes: list[Invoked] = []
        self.reads = reads or {}
        self.calls = calls or {}
        self.lock = threading.Lock()

    # -- resources -------------------------------------------------------------------
    def new_resource(self, args: pmocks.MockResourceArgs):
        secret_paths: set[str] = set()
        inputs = _unwrap(dict(args.inputs), "", secret_paths)
        with self.lock:
            self.resources.append(
                Registered(args.typ, args.name, inputs, args.provider or None, bool(args.custom),
                           args.resource_id or None, secret_paths)
            )
        if args.resource_id:  # a read of an existing resource
            state = self.reads.get((args.typ, args.resource_id))
            if state is None:
                raise Exception(f"mock: no such {args.typ} '{args.resource_id}' to read")
            return args.resource_id, state
        state = dict(inputs)
        if args.custom:
            state.setdefault("name", args.name)  # auto-named cloud resources
        state.update(self._computed(args.typ, args.name, inputs))
        return f"{args.name}-id", state

    @staticmethod
    def _computed(typ: str, name: str, inputs: dict) -> dict:
        if typ == "eks:index:Cluster":
            cluster = inputs.get("name", name)
            kc = kubeconfig_for(
                f"https://{cluster}.gr7.us-east-1.eks.amazonaws.com",
                {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws",
                          "args": ["eks", "get-token", "--cluster-name", cluster]}},
            )
            return {"kubeconfigJson": kc, "kubeconfig": json.loads(kc)}
        if typ == "gcp:container/cluster:Cluster":
            return {"endpoint": "34.118.0.10", "masterAuth": {"clusterCaCertificate": FAKE_CA}}
        if typ == "azure-native:containerservice:ManagedCluster":
            return {"name": inputs.get("resourceName", name), "fqdn": f"{name}-dns.hcp.westeurope.azmk8s.io"}
        if typ == "azure-native:resources:ResourceGroup":
            return {"name": inputs.get("resourceGroupName", name)}
        if typ == "kubernetes:helm.sh/v3:Release":
            return {
                "status": {
                    "name": inputs.get("name", name),
                    "namespace": inputs.get("namespace", "default"),
                    "chart": inputs.get("chart"),
                    "version": inputs.get("version"),
                    "appVersion": "mock",
                    "revision": 1,
                    "status": "deployed",
                }
            }
        if typ.startswith("kubernetes:") and "metadata" in inputs:
            meta = dict(inputs.get("metadata") or {})
            meta.setdefault("name", name)
            return {"metadata": meta}
        return {}

    # -- invokes ---------------------------------------------------------------------
    def call(self, args: pmocks.MockCallArgs):
        with self.lock:
            self.invokes.append(Invoked(args.token, _unwrap(dict(args.args), "", set())))
        if args.token in self.calls:
            return self.calls[args.token](dict(args.args))
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        if args.token == "azure-native:containerservice:listManagedClusterUserCredentials":
            server = f"https://{args.args.get('resourceName')}-dns.hcp.westeurope.azmk8s.io:443"
            kc = yaml.safe_dump(yaml.safe_load(kubeconfig_for(server)))
            return {"kubeconfigs": [{"name": "clusterUser", "value": base64.b64encode(kc.encode()).decode()}]}
        raise Exception(f"mock: unexpected invoke {args.token}")


class _MonitorWithoutResourceReferences(pmocks.MockMonitor):
    """The SDK's MockMonitor, minus resource references.

    With references on, the mock monitor deserializes a resource-typed input (e.g. the
    `cluster` of an eks.ManagedNodeGroup) by creating a Resource on its executor thread's
    own event loop, and the program's loop then awaits that task: "attached to a
    different loop", intermittently. Without the feature the SDK serializes such inputs
    as the resource's ID (custom) or URN (component), like an engine without resource
    references, which is deterministic and just as assertable.
    """

    _REFS = resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES

    def GetDeploymentInfo(self, request):
        info = super().GetDeploymentInfo(request)
        features = [f for f in info.supportedFeatures if f != self._REFS]
        return resource_pb2.DeploymentInfo(supportedFeatures=features)

    def SupportsFeature(self, request):
        has = request.id not in ("outputValues", "resourceReferences")
        return type("SupportsFeatureResponse", (object,), {"hasSupport": has})


@dataclass
class ProgramRun:
    project: str
    resources: list[Registered]
    invokes: list[Invoked]
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: set[str] = field(default_factory=set)

    def of_type(self, typ: str) -> list[Registered]:
        return [r for r in self.resources if r.type == typ and r.read_id is None]

    def one(self, typ: str, name: Optional[str] = None) -> Registered:
        found = [r for r in self.of_type(typ) if name is None or r.name == name]
        assert len(found) == 1, f"expected one {typ} {name or ''}, got {[r.name for r in found]} " \
                                f"among {sorted({r.type for r in self.resources})}"
        return found[0]

    def types(self) -> list[str]:
        return sorted(r.type for r in self.resources if r.read_id is None)


def load_module(path: Path, name: str) -> Any:
    """Import a program's helper module (e.g. a chart catalog) on its own for a test."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def _encode(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def run_program(ref: str, config: Optional[dict[str, Any]] = None, secrets: Optional[dict[str, Any]] = None,
                mocks: Optional[RecordingMocks] = None, stack: str = "test") -> ProgramRun:
    """Run compositions/<pack>/programs/<program>/__main__.py under mocks.

    `config` and `secrets` use bare keys (namespaced with the program's project name here,
    as `pulumi config set` would); non-string values are JSON-encoded like object config.
    Raises whatever the program raises (e.g. its configuration error).
    """
    directory = program_dir(ref)
    project = project_name(directory)
    mocks = mocks or RecordingMocks()
    full = {}
    secret_keys = []
    for source, is_secret in ((config or {}, False), (secrets or {}, True)):
        for key, value in source.items():
            k = key if ":" in key else f"{project}:{key}"
            full[k] = _encode(value)
            if is_secret:
                secret_keys.append(k)

    box: dict[str, Any] = {}

    def worker() -> None:
        loop = asyncio.new_event_loop()
        # A program that fails inside an apply leaves sibling futures whose exceptions
        # nobody retrieves; the failure itself is re-raised below, so stay quiet.
        loop.set_exception_handler(lambda _loop, _context: None)
        asyncio.set_event_loop(loop)
        added_path = str(directory)
        sys.path.insert(0, added_path)
        before = set(sys.modules)
        try:
            pulumi.runtime.set_all_config(full, secret_keys)
            pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False,
                                     monitor=_MonitorWithoutResourceReferences(mocks))
            # MockSettings does not reset the set of pending output tasks, whose context
            # default is one set shared by every thread: give this run its own.
            SETTINGS.outputs = set()
            main = str(directory / "__main__.py")
            _sync_await(run_pulumi_func(lambda: runpy.run_path(main, run_name="__main__")))
            stack_resource = get_root_resource()
            outputs, secret = {}, set()
            for name, value in stack_resource.outputs.items():  # type: ignore[union-attr]
                out = pulumi.Output.from_input(value)
                outputs[name] = _sync_await(out.future())
                if _sync_await(out.is_secret()):
                    secret.add(name)
            box["run"] = ProgramRun(project, mocks.resources, mocks.invokes, outputs, secret)
        except BaseException as err:  # noqa: BLE001 - handed to the calling thread
            box["error"] = err
        finally:
            # The program's helper modules (e.g. `charts`) must not shadow another
            # program's modules of the same name in a later run.
            for mod in set(sys.modules) - before:
                f = getattr(sys.modules.get(mod), "__file__", None) or ""
                if f.startswith(added_path):
                    del sys.modules[mod]
            sys.path.remove(added_path)
            loop.close()

    thread = threading.Thread(target=worker, name=f"pulumi-{project}")
    thread.start()
    thread.join(timeout=120)
    if thread.is_alive():
        raise TimeoutError(f"program {ref} did not finish within 120s under mocks")
    if "error" in box:
        raise box["error"]
    return box["run"]
