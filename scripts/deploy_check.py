#!/usr/bin/env python3
"""Checks the deployment files under deploy/ offline, without a cluster.

  scripts/deploy_check.py --server BILATERAL_SERVER --gateway BILATERAL_GATEWAY
                          [--nginx NGINX] [--self-test]

Kubernetes manifests (deploy/k8s): every object has the fields its kind
needs; selectors, labels, named ports, ConfigMaps, Secrets and their keys
that one object names exist in the others; probes use the gRPC port; pods
run as non-root with no privilege escalation and with resources set; the
termination grace outlasts the server's shutdown grace; the autoscaler and
the disruption budget leave a replica to drain. Compose (deploy/compose.yaml):
services, profiles and health dependencies; the balancer's upstreams are the
replica services. Everywhere (Dockerfile, Compose, ConfigMap): every
BILATERAL_* variable is a setting `bilateral-server --help` lists, and every
BILATERAL_GATEWAY_* one a setting of `bilateral-gateway --help`. The gateway
(deploy/k8s/gateway.yaml, Compose, the Dockerfile's gateway stage): it
forwards to a Service or services of the servers, on their gRPC port, and is
ready only through /healthz on its HTTP port. nginx (deploy/nginx/nginx.conf):
`nginx -t` accepts it.

--self-test breaks copies of the files in known ways and expects each break
to be found.
"""
import argparse
import copy
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
K8S = os.path.join(ROOT, "deploy", "k8s")

API_VERSIONS = {
    "ConfigMap": "v1",
    "Secret": "v1",
    "Service": "v1",
    "Deployment": "apps/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "PodDisruptionBudget": "policy/v1",
}


def server_settings(server):
    """The BILATERAL_* variable names the server's --help lists."""
    text = subprocess.run([server, "--help"], capture_output=True, text=True).stdout
    names = set(re.findall(r"\((BILATERAL_[A-Z_]+)\)", text))
    if not names:
        sys.exit(f"deploy_check: no settings in the --help of {server}")
    return names


def gateway_settings(gateway):
    """The BILATERAL_GATEWAY_* variable names the gateway's --help lists."""
    result = subprocess.run([gateway, "--help"], capture_output=True, text=True)
    names = set(re.findall(r"\(env (BILATERAL_GATEWAY_[A-Z_]+)\)", result.stdout + result.stderr))
    if not names:
        sys.exit(f"deploy_check: no settings in the --help of {gateway}")
    return names


def setting_problem(name, settings):
    """Why a BILATERAL_* variable is not a setting of the program it configures, or None."""
    if name.startswith("BILATERAL_GATEWAY_"):
        if name not in settings["gateway"]:
            return f"{name} is not a bilateral-gateway setting"
    elif name.startswith("BILATERAL_") and name not in settings["server"]:
        return f"{name} is not a bilateral-server setting"
    return None


def backend_hosts(backends):
    """[(host, port)] of a BILATERAL_GATEWAY_BACKENDS value."""
    targets = backends[len("dns:///"):] if backends.startswith("dns:///") else backends
    hosts = []
    for target in targets.split(","):
        host, _, port = target.strip().rpartition(":")
        hosts.append((host, int(port) if port.isdigit() else None))
    return hosts


def duration_seconds(text):
    match = re.fullmatch(r"(\d+)(ms|s|m|h)", str(text))
    if not match:
        return None
    value, unit = int(match.group(1)), match.group(2)
    return value * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


def load_k8s():
    """{file name: [objects]} of deploy/k8s, and the kustomization."""
    objects = {}
    kustomization = None
    for name in sorted(os.listdir(K8S)):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(K8S, name)) as file:
            docs = [doc for doc in yaml.safe_load_all(file) if doc is not None]
        if name == "kustomization.yaml":
            kustomization = docs[0]
        else:
            objects[name] = docs
    return objects, kustomization


def matches(selector, labels):
    return all(labels.get(key) == value for key, value in selector.items())


def check_pod(where, deployment, port_name, add):
    """What every Deployment here needs: a selector that matches its pods,
    a non-root user, one container with a port named port_name and resources
    set, no privilege escalation and no capabilities. Returns the pod spec,
    its labels, the container (None when there is not one) and its ports."""
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    pod_labels = spec["template"]["metadata"].get("labels", {})
    if not matches(spec["selector"]["matchLabels"], pod_labels):
        add(f"{where}: selector {spec['selector']['matchLabels']} does not match pod labels {pod_labels}")
    security = pod.get("securityContext", {})
    if security.get("runAsNonRoot") is not True or security.get("runAsUser", 0) == 0:
        add(f"{where}: pods must run as a non-root user")
    containers = pod.get("containers", [])
    if len(containers) != 1:
        add(f"{where}: want one container")
        return pod, pod_labels, None, {}
    container = containers[0]
    ports = {port["name"]: port["containerPort"] for port in container.get("ports", [])}
    if port_name not in ports:
        add(f"{where}: no container port named {port_name}")
    resources = container.get("resources", {})
    for part in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if resource not in resources.get(part, {}):
                add(f"{where}: resources.{part}.{resource} is not set")
    container_security = container.get("securityContext", {})
    if container_security.get("allowPrivilegeEscalation") is not False:
        add(f"{where}: allowPrivilegeEscalation must be false")
    if "ALL" not in container_security.get("capabilities", {}).get("drop", []):
        add(f"{where}: capabilities must drop ALL")
    return pod, pod_labels, container, ports


def check_grace(where, pod, container, grace_text, add):
    """The termination grace outlasts the preStop pause and the shutdown grace."""
    grace = duration_seconds(grace_text) or 10
    pre_stop = 0
    command = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    if len(command) == 2 and command[0] == "sleep":
        pre_stop = int(command[1])
    termination = pod.get("terminationGracePeriodSeconds", 30)
    if termination <= grace + pre_stop:
        add(f"{where}: terminationGracePeriodSeconds {termination} does not outlast the preStop "
            f"pause ({pre_stop} s) and the shutdown grace ({grace:g} s)")


def check_k8s(objects, kustomization, settings):
    problems = []
    add = problems.append
    listed = set(kustomization.get("resources", []))
    if listed != set(objects):
        add(f"kustomization resources {sorted(listed)} are not the files {sorted(objects)}")

    by_kind = {}
    for file, docs in objects.items():
        for obj in docs:
            kind = obj.get("kind")
            where = f"{file}: {kind}/{obj.get('metadata', {}).get('name')}"
            if kind not in API_VERSIONS:
                add(f"{where}: unexpected kind")
                continue
            if obj.get("apiVersion") != API_VERSIONS[kind]:
                add(f"{where}: apiVersion {obj.get('apiVersion')}, want {API_VERSIONS[kind]}")
            if not obj.get("metadata", {}).get("name"):
                add(f"{where}: no metadata.name")
            by_kind.setdefault(kind, {})[obj["metadata"]["name"]] = (where, obj)

    config_maps = {name: obj.get("data", {}) for name, (_, obj) in by_kind.get("ConfigMap", {}).items()}
    secrets = {
        name: set(obj.get("stringData", {})) | set(obj.get("data", {}))
        for name, (_, obj) in by_kind.get("Secret", {}).items()
    }
    for name, data in config_maps.items():
        for key in data:
            if key.startswith("BILATERAL_GATEWAY_") or (key.startswith("BILATERAL_") and key not in settings["server"]):
                add(f"ConfigMap {name}: {key} is not a bilateral-server setting")

    deployments = dict(by_kind.get("Deployment", {}))
    gateway = deployments.pop(GATEWAY, None)
    if gateway is None:
        add(f"no Deployment {GATEWAY}")
    if len(deployments) != 1:
        add(f"want one Deployment of the server besides {GATEWAY}, found {len(deployments)}")
        return problems
    deployment_name, (where, deployment) = next(iter(deployments.items()))
    pod, pod_labels, container, ports = check_pod(where, deployment, "grpc", add)
    if container is None:
        return problems
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        grpc = container.get(probe, {}).get("grpc")
        if not grpc:
            add(f"{where}: {probe} is not a gRPC probe")
        elif grpc.get("port") != ports.get("grpc"):
            add(f"{where}: {probe} probes port {grpc.get('port')}, not the gRPC port")

    environment = {}
    for source in container.get("envFrom", []):
        name = source.get("configMapRef", {}).get("name")
        if name not in config_maps:
            add(f"{where}: envFrom names ConfigMap {name}, which is not defined")
        else:
            environment.update(config_maps[name])
    for variable in container.get("env", []):
        if variable["name"].startswith("BILATERAL_GATEWAY_") or (
                variable["name"].startswith("BILATERAL_") and variable["name"] not in settings["server"]):
            add(f"{where}: {variable['name']} is not a bilateral-server setting")
        ref = variable.get("valueFrom", {}).get("secretKeyRef")
        if ref and ref.get("key") not in secrets.get(ref.get("name"), set()):
            add(f"{where}: {variable['name']} reads key {ref.get('key')} of Secret "
                f"{ref.get('name')}, which is not defined")
        environment[variable["name"]] = variable.get("value", "<from secret>")
    if "BILATERAL_DATABASE" not in environment:
        add(f"{where}: no BILATERAL_DATABASE: replicas need the shared database")
    listen = environment.get("BILATERAL_LISTEN", "")
    if not listen.endswith(f":{ports.get('grpc')}"):
        add(f"{where}: BILATERAL_LISTEN {listen!r} is not the gRPC container port")

    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        volume = volumes.get(mount["name"])
        if volume is None:
            add(f"{where}: volumeMount {mount['name']} has no volume")
            continue
        secret = volume.get("secret", {}).get("secretName")
        if secret and secret not in secrets:
            add(f"{where}: volume {mount['name']} names Secret {secret}, which is not defined")
    keys_file = environment.get("BILATERAL_KEYS_FILE")
    if keys_file:
        mounted = [m for m in container.get("volumeMounts", []) if keys_file.startswith(m["mountPath"] + "/")]
        if not mounted:
            add(f"{where}: BILATERAL_KEYS_FILE {keys_file} is on no mounted volume")

    check_grace(where, pod, container, environment.get("BILATERAL_SHUTDOWN_GRACE", "10s"), add)

    services = dict(by_kind.get("Service", {}))
    gateway_services = {name: services.pop(name) for name, (_, obj) in list(services.items())
                        if obj["metadata"].get("labels", {}).get("app.kubernetes.io/name") == GATEWAY}
    if gateway is not None:
        problems += check_k8s_gateway(gateway, gateway_services, services, ports, settings)
    if not any(obj["spec"].get("clusterIP") == "None" for _, obj in services.values()):
        add("no headless Service (clusterIP: None) for client-side load balancing")
    for name, (service_where, service) in services.items():
        if not matches(service["spec"].get("selector", {}), pod_labels):
            add(f"{service_where}: selector does not match the Deployment's pods")
        for port in service["spec"].get("ports", []):
            target = port.get("targetPort")
            if isinstance(target, str) and target not in ports:
                add(f"{service_where}: targetPort {target} is not a container port")
            elif isinstance(target, int) and target not in ports.values():
                add(f"{service_where}: targetPort {target} is not a container port")

    for name, (hpa_where, hpa) in by_kind.get("HorizontalPodAutoscaler", {}).items():
        target = hpa["spec"]["scaleTargetRef"]
        if target.get("kind") != "Deployment" or target.get("name") != deployment_name:
            add(f"{hpa_where}: scaleTargetRef is not Deployment {deployment_name}")
        if hpa["spec"].get("minReplicas", 1) < 2:
            add(f"{hpa_where}: minReplicas below 2 leaves nothing to serve during a drain")
    if not by_kind.get("HorizontalPodAutoscaler"):
        add("no HorizontalPodAutoscaler")
    budgets = by_kind.get("PodDisruptionBudget", {})
    if not budgets:
        add("no PodDisruptionBudget")
    for name, (pdb_where, pdb) in budgets.items():
        if not matches(pdb["spec"]["selector"]["matchLabels"], pod_labels):
            add(f"{pdb_where}: selector does not match the Deployment's pods")
    return problems


GATEWAY = "bilateral-gateway"


def check_k8s_gateway(gateway, gateway_services, server_services, server_ports, settings):
    """The gateway's Deployment and Service, and that it reaches the servers."""
    problems = []
    add = problems.append
    where, deployment = gateway
    pod, labels, container, ports = check_pod(where, deployment, "http", add)
    if container is None:
        return problems
    readiness = container.get("readinessProbe", {}).get("httpGet", {})
    if readiness.get("path") != "/healthz" or readiness.get("port") not in ("http", ports.get("http")):
        add(f"{where}: the readinessProbe is not GET /healthz on the http port")
    if not container.get("livenessProbe"):
        add(f"{where}: no livenessProbe")
    environment = {}
    for variable in container.get("env", []):
        name = variable["name"]
        if name.startswith("BILATERAL_") and not name.startswith("BILATERAL_GATEWAY_"):
            add(f"{where}: {name} is a setting of the server, not of the gateway")
        elif setting_problem(name, settings):
            add(f"{where}: {setting_problem(name, settings)}")
        environment[name] = variable.get("value", "")
    if not environment.get("BILATERAL_GATEWAY_LISTEN", "").endswith(f":{ports.get('http')}"):
        add(f"{where}: BILATERAL_GATEWAY_LISTEN is not the http container port")
    backends = environment.get("BILATERAL_GATEWAY_BACKENDS", "")
    if not backends:
        add(f"{where}: no BILATERAL_GATEWAY_BACKENDS")
    for host, port in backend_hosts(backends) if backends else []:
        service = server_services.get(host.split(".")[0])
        if service is None:
            add(f"{where}: BILATERAL_GATEWAY_BACKENDS names {host}, which is no Service of the servers")
        elif port not in [p["port"] for p in service[1]["spec"].get("ports", [])
                          if p.get("targetPort") in ("grpc", server_ports.get("grpc"))]:
            add(f"{where}: BILATERAL_GATEWAY_BACKENDS port {port} is not the gRPC port of Service {host}")
    check_grace(where, pod, container, environment.get("BILATERAL_GATEWAY_SHUTDOWN_GRACE", "10s"), add)
    if not gateway_services:
        add(f"no Service for {GATEWAY}")
    for name, (service_where, service) in gateway_services.items():
        if not matches(service["spec"].get("selector", {}), labels):
            add(f"{service_where}: selector does not match the gateway's pods")
        for port in service["spec"].get("ports", []):
            if port.get("targetPort") not in ("http", ports.get("http")):
                add(f"{service_where}: targetPort {port.get('targetPort')} is not the gateway's http port")
    return problems


def check_compose(compose, settings):
    problems = []
    add = problems.append
    services = compose.get("services", {})
    gateways = {n for n, s in services.items() if (s.get("build") or {}).get("target") == "gateway"}
    if not gateways:
        add("compose: no gateway service (built from the Dockerfile's gateway stage)")
    for name, service in services.items():
        environment = service.get("environment", {}) or {}
        for key in environment:
            if setting_problem(key, settings):
                add(f"compose {name}: {setting_problem(key, settings)}")
        for dependency, condition in (service.get("depends_on") or {}).items():
            if dependency not in services:
                add(f"compose {name}: depends on {dependency}, which is not a service")
            elif set(services[dependency].get("profiles", [])) - set(service.get("profiles", [])):
                add(f"compose {name}: depends on {dependency} of another profile")
    for name in gateways:
        profiles = set(services[name].get("profiles", []))
        backends = (services[name].get("environment") or {}).get("BILATERAL_GATEWAY_BACKENDS", "")
        for host, port in backend_hosts(backends) if backends else []:
            backend = services.get(host)
            if backend is None or host in gateways:
                add(f"compose {name}: backend {host} is not a server service")
            elif set(backend.get("profiles", [])) - profiles:
                add(f"compose {name}: backend {host} is of another profile")
            elif port != 50051:
                add(f"compose {name}: backend {host}:{port} is not the gRPC port 50051")
    embedded = [n for n, s in services.items()
                if not s.get("profiles") and "build" in s and n not in gateways]
    if not embedded:
        add("compose: no server on the embedded store outside a profile")
    for name in embedded:
        if "BILATERAL_DATABASE" in (services[name].get("environment") or {}):
            add(f"compose {name}: the default server must keep the embedded store")
    replicas = sorted(n for n, s in services.items() if "scale-out" in s.get("profiles", []) and
                      "BILATERAL_DATABASE" in (s.get("environment") or {}))
    if len(replicas) < 3:
        add(f"compose: the scale-out profile has {len(replicas)} replicas, want 3")
    return problems, replicas


def check_nginx(nginx, replicas):
    problems = []
    path = os.path.join(ROOT, "deploy", "nginx", "nginx.conf")
    with open(path) as file:
        config = file.read()
    upstreams = sorted(re.findall(r"^\s*server\s+([\w-]+):50051", config, re.M))
    if upstreams != replicas:
        problems.append(f"nginx.conf upstreams {upstreams} are not the replicas {replicas}")
    if "grpc_pass" not in config:
        problems.append("nginx.conf does not pass gRPC (grpc_pass)")
    if nginx:
        # The replicas' names resolve inside Compose only: check the rest.
        local = re.sub(r"server\s+[\w-]+:50051", "server 127.0.0.1:50051", config)
        with tempfile.TemporaryDirectory() as work:
            conf = os.path.join(work, "nginx.conf")
            with open(conf, "w") as file:
                file.write(local)
            result = subprocess.run(
                [nginx, "-t", "-q", "-p", work, "-c", conf, "-e", os.path.join(work, "error.log"),
                 "-g", f"pid {work}/nginx.pid;"], capture_output=True, text=True)
            if result.returncode != 0:
                problems.append(f"nginx -t: {result.stderr.strip()}")
    return problems


def check_dockerfile(settings):
    with open(os.path.join(ROOT, "deploy", "Dockerfile")) as file:
        text = file.read()
    problems = []
    for name in set(re.findall(r"\b(BILATERAL_[A-Z_]+)=", text)):
        if setting_problem(name, settings):
            problems.append(f"Dockerfile: {setting_problem(name, settings)}")
    if not re.search(r"^FROM \S+ AS gateway$", text, re.M):
        problems.append("Dockerfile: no gateway stage")
    if 'CMD ["bilateral-gateway", "health"]' not in text:
        problems.append("Dockerfile: the gateway's HEALTHCHECK is not bilateral-gateway health")
    for needed in ("USER 10001", "HEALTHCHECK", "STOPSIGNAL SIGTERM", "VOLUME /var/lib/bilateral",
                   "EXPOSE 50051 9090"):
        if needed not in text:
            problems.append(f"Dockerfile: no {needed}")
    return problems


def check_all(objects, kustomization, compose, settings, nginx):
    problems = check_k8s(objects, kustomization, settings)
    compose_problems, replicas = check_compose(compose, settings)
    problems += compose_problems
    problems += check_nginx(nginx, replicas)
    problems += check_dockerfile(settings)
    return problems


def self_test(objects, kustomization, compose, settings):
    """Each break must be found: the checks above are not vacuous."""

    def deployment(objs):
        return objs["deployment.yaml"][0]

    def container(objs):
        return deployment(objs)["spec"]["template"]["spec"]["containers"][0]

    breaks = {
        "selector": lambda o, c: deployment(o)["spec"]["selector"]["matchLabels"].update(
            {"app.kubernetes.io/name": "other"}),
        "root": lambda o, c: deployment(o)["spec"]["template"]["spec"]["securityContext"].update(
            {"runAsUser": 0}),
        "http probe": lambda o, c: container(o).update({"readinessProbe": {"httpGet": {"port": 9090}}}),
        "no limits": lambda o, c: container(o)["resources"].pop("limits"),
        "short grace": lambda o, c: deployment(o)["spec"]["template"]["spec"].update(
            {"terminationGracePeriodSeconds": 10}),
        "unknown setting": lambda o, c: o["configmap.yaml"][0]["data"].update({"BILATERAL_LISTN": "x"}),
        "missing secret key": lambda o, c: container(o)["env"][0]["valueFrom"]["secretKeyRef"].update(
            {"key": "uri"}),
        "service port": lambda o, c: o["service.yaml"][0]["spec"]["ports"][0].update({"targetPort": "rpc"}),
        "hpa target": lambda o, c: o["hpa.yaml"][0]["spec"]["scaleTargetRef"].update({"name": "x"}),
        "compose replica gone": lambda o, c: c["services"].pop("replica-3"),
        "compose setting": lambda o, c: c["services"]["replica-2"]["environment"].update(
            {"BILATERAL_DATABSE": "x"}),
        "gateway probe": lambda o, c: o["gateway.yaml"][0]["spec"]["template"]["spec"]["containers"][0][
            "readinessProbe"]["httpGet"].update({"path": "/"}),
        "gateway backends": lambda o, c: o["gateway.yaml"][0]["spec"]["template"]["spec"]["containers"][0][
            "env"][1].update({"value": "dns:///bilateral-headles:50051"}),
        "gateway backend port": lambda o, c: o["gateway.yaml"][0]["spec"]["template"]["spec"]["containers"][0][
            "env"][1].update({"value": "dns:///bilateral-headless:9090"}),
        "gateway setting": lambda o, c: o["gateway.yaml"][0]["spec"]["template"]["spec"]["containers"][0][
            "env"].append({"name": "BILATERAL_GATEWAY_LISTN", "value": "x"}),
        "gateway service": lambda o, c: o["gateway.yaml"][1]["spec"]["ports"][0].update({"targetPort": 9090}),
        "compose gateway backend": lambda o, c: c["services"]["gateway-scale-out"]["environment"].update(
            {"BILATERAL_GATEWAY_BACKENDS": "replica-1:50051,replica-4:50051"}),
    }
    failed = []
    for name, apply in breaks.items():
        objs, comp = copy.deepcopy(objects), copy.deepcopy(compose)
        apply(objs, comp)
        if not check_all(objs, kustomization, comp, settings, None):
            failed.append(name)
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="the bilateral-server binary")
    parser.add_argument("--gateway", required=True, help="the bilateral-gateway binary")
    parser.add_argument("--nginx", default="", help="an nginx binary to check nginx.conf with")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    settings = {"server": server_settings(args.server), "gateway": gateway_settings(args.gateway)}
    objects, kustomization = load_k8s()
    with open(os.path.join(ROOT, "deploy", "compose.yaml")) as file:
        compose = yaml.safe_load(file)
    problems = check_all(objects, kustomization, compose, settings, args.nginx)
    for problem in problems:
        print(f"deploy_check: {problem}", file=sys.stderr)
    if problems:
        return 1
    count = sum(len(docs) for docs in objects.values())
    print(f"deploy_check: {count} Kubernetes objects, {len(compose['services'])} Compose "
          f"services, nginx.conf and the Dockerfile agree")
    if args.self_test:
        failed = self_test(objects, kustomization, compose, settings)
        if failed:
            print(f"deploy_check: breaks not found: {', '.join(failed)}", file=sys.stderr)
            return 1
        print("deploy_check: every deliberate break was found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
