#!/usr/bin/env python3
"""Validates deploy/ without running it (no Docker, Kubernetes or systemd here): every YAML file
parses; the Dockerfile has a Debian 12 build stage that installs scripts/packages.txt and a
runtime stage whose packages provide every shared library the built binary loads; the Kubernetes
objects have what an operator relies on (StatefulSets with volume claims, probes on the admin
port, resources, scrape annotations); and every configuration and every headwire command line
in compose, Kubernetes and systemd files is accepted by `headwire config check`, with the
environment the file gives it and the configuration file it names."""

import glob
import os
import re
import shlex
import subprocess
import tempfile
import unittest

import yaml

import harness

HEADWIRE = None
REPO = None
CONFIG_IN_IMAGE = "/etc/headwire/headwire.toml"
# Packages every debian:12 image has (Essential, or required by apt itself).
DEBIAN_BASE = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}
# The sanitizer build loads these runtimes; the image builds without HEADWIRE_SANITIZE.
SANITIZER_RUNTIMES = {"libasan8", "libubsan1"}


def installed_with(packages):
    """The packages and everything they depend on, recursively, as dpkg records it here."""
    closure, todo = set(), list(packages)
    while todo:
        package = todo.pop()
        if package in closure:
            continue
        closure.add(package)
        depends = subprocess.run(["dpkg-query", "-W", "-f", "${Depends},${Pre-Depends}", package],
                                 capture_output=True, text=True).stdout
        for alternative in depends.split(","):
            for name in alternative.split("|"):
                name = name.strip().split(" ")[0].split(":")[0]
                if name:
                    todo.append(name)
    return closure


def bind_args(args):
    global HEADWIRE, REPO
    HEADWIRE, REPO = args.headwire, args.repo


def deploy(*parts):
    return os.path.join(REPO, "deploy", *parts)


def yaml_documents(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def pod_value(variable, pod_name):
    """An environment variable of a container as Kubernetes sets it in pod `pod_name`: its value,
    or the pod's name for one taken from the field metadata.name."""
    if "value" in variable:
        return variable["value"]
    assert variable["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name", variable
    return pod_name


def expand(args, env):
    """`args` with $(NAME) replaced by the container's variable NAME, as Kubernetes does."""
    return [re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], a) for a in args]


def clean_env(extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWIRE_")}
    env.update(extra)
    return env


class DeployTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-deploy-e2e-")

    def check_command(self, args, config_path, env, where):
        """`headwire config check -- ARGS`, with the image's config path mapped to `config_path`."""
        args = [config_path if a == CONFIG_IN_IMAGE else a for a in args]
        self.assertIn("--config", args, where)
        result = subprocess.run([HEADWIRE, "config", "check", "--", *args], capture_output=True,
                                text=True, env=clean_env(env), timeout=60)
        self.assertEqual(result.returncode, 0, f"{where}: {args}\n{result.stderr}")
        return args

    def test_every_yaml_file_parses(self):
        files = glob.glob(deploy("**", "*.yaml"), recursive=True)
        self.assertGreaterEqual(len(files), 4, files)
        for path in files:
            with self.subTest(path=path):
                self.assertTrue(yaml_documents(path), path)

    def test_dockerfile_stages(self):
        with open(deploy("Dockerfile")) as f:
            text = f.read()
        stages = re.split(r"^FROM ", text, flags=re.M)[1:]
        self.assertEqual([s.split("\n", 1)[0] for s in stages],
                         ["debian:12 AS build", "debian:12 AS runtime"])
        build, runtime = stages
        self.assertIn("COPY scripts/packages.txt", build)
        self.assertIn("apt-get install", build)
        self.assertIn("--target headwire", build)
        self.assertIn("COPY --from=build /src/build/release/headwire /usr/local/bin/headwire",
                      runtime)
        self.assertIn('ENTRYPOINT ["/usr/local/bin/headwire"]', runtime)
        install = re.search(r"apt-get install -y --no-install-recommends(.*?)&&", runtime, re.S)
        packages = set(install.group(1).replace("\\", " ").split())
        self.assertFalse({p for p in packages if p.endswith("-dev")}, "runtime has -dev packages")
        # Every shared library the built binary loads comes from a runtime package (or the base).
        ldd = subprocess.run(["ldd", HEADWIRE], capture_output=True, text=True, check=True)
        owners = set()
        for library in re.findall(r"=> (/\S+)", ldd.stdout):
            real = os.path.realpath(library)
            # dpkg knows each file under one name: the link or its target, with or without /usr.
            names = {library, real} | {n.removeprefix("/usr") for n in (library, real)}
            found = subprocess.run(["dpkg", "-S", *sorted(names)], capture_output=True,
                                   text=True)
            self.assertTrue(found.stdout, f"no package owns {library}")
            owners.add(found.stdout.split(":")[0])
        # apt installs what the listed packages depend on, so those need no line of their own.
        self.assertEqual(owners - installed_with(packages) - DEBIAN_BASE - SANITIZER_RUNTIMES, set())
        # And every runtime package is a Debian 12 package apt knows.
        for package in packages:
            known = subprocess.run(["apt-cache", "show", package], capture_output=True)
            self.assertEqual(known.returncode, 0, f"apt does not know {package}")

    def test_package_list_is_shared(self):
        with open(os.path.join(REPO, ".ci", "run")) as f:
            ci = f.read()
        with open(os.path.join(REPO, "scripts", "install-deps.sh")) as f:
            install = f.read()
        for script in (ci, install):
            self.assertIn("scripts/packages.txt", script)
        self.assertLess(ci.index("apt-get update"), ci.index("apt-get install -y"))
        with open(os.path.join(REPO, "scripts", "packages.txt")) as f:
            listed = {line.split("#")[0].strip() for line in f} - {""}
        self.assertIn("python3-yaml", listed)

    def test_configs_pass_config_check(self):
        configs = {"deploy/headwire.toml": deploy("headwire.toml")}
        for name, text in self.configmap_files().items():
            path = os.path.join(self.work, name)
            with open(path, "w") as f:
                f.write(text)
            configs["configmap " + name] = path
        for where, path in configs.items():
            with self.subTest(config=where):
                result = harness.run([HEADWIRE, "--config", path, "config", "check"],
                                     env=clean_env({}))
                self.assertEqual(result.stdout, f"{path}: ok\n")

    def configmap_files(self):
        files = {}
        for document in yaml_documents(deploy("kubernetes", "configmap.yaml")):
            self.assertEqual(document["kind"], "ConfigMap")
            files.update(document["data"])
        self.assertIn("headwire.toml", files)
        return files

    def test_compose_commands(self):
        compose = yaml_documents(deploy("compose.yaml"))[0]
        services = compose["services"]
        kraft = services["kafka"]["environment"]
        self.assertIn("controller", kraft["KAFKA_PROCESS_ROLES"])
        self.assertNotIn("zookeeper", str(compose).lower())
        daemons = {name: s for name, s in services.items()
                   if s.get("image", "").startswith("headwire")}
        self.assertEqual(set(daemons), {"process", "sink"})
        for name, service in daemons.items():
            with self.subTest(service=name):
                args = self.check_command(service["command"], deploy("headwire.toml"),
                                          service.get("environment", {}), f"compose {name}")
                self.assertEqual(args[args.index("--log-format") + 1], "json")
                admin_port = args[args.index("--admin") + 1].rsplit(":", 1)[1]
                published = [p.rsplit(":", 1)[1] for p in service["ports"]]
                self.assertIn(admin_port, published)
                self.assertTrue(service["volumes"][0].endswith(":/var/lib/headwire"))
        self.assertIn("--http", daemons["sink"]["command"])

    def test_kubernetes_statefulsets(self):
        configmap = os.path.join(self.work, "configmap-headwire.toml")
        with open(configmap, "w") as f:
            f.write(self.configmap_files()["headwire.toml"])
        sets = []
        for path in sorted(glob.glob(deploy("kubernetes", "*.yaml"))):
            sets += [d for d in yaml_documents(path) if d["kind"] == "StatefulSet"]
        self.assertEqual({s["metadata"]["name"] for s in sets},
                         {"headwire-process", "headwire-sink"})
        for statefulset in sets:
            name = statefulset["metadata"]["name"]
            with self.subTest(statefulset=name):
                spec = statefulset["spec"]
                template = spec["template"]
                annotations = template["metadata"]["annotations"]
                self.assertEqual(annotations["prometheus.io/scrape"], "true")
                self.assertEqual(annotations["prometheus.io/path"], "/metrics")
                claim = spec["volumeClaimTemplates"][0]["metadata"]["name"]
                container = template["spec"]["containers"][0]
                env = {e["name"]: pod_value(e, f"{name}-0") for e in container.get("env", [])}
                args = self.check_command(expand(container["args"], env), configmap, env, name)
                self.assertEqual(args[args.index("--log-format") + 1], "json")
                admin_port = int(args[args.index("--admin") + 1].rsplit(":", 1)[1])
                self.assertEqual(int(annotations["prometheus.io/port"]), admin_port)
                ports = {p["name"]: p["containerPort"] for p in container["ports"]}
                self.assertEqual(ports["admin"], admin_port)
                self.assertEqual(container["livenessProbe"]["httpGet"],
                                 {"path": "/healthz", "port": "admin"})
                self.assertEqual(container["readinessProbe"]["httpGet"],
                                 {"path": "/readyz", "port": "admin"})
                self.assertIn("memory", container["resources"]["limits"])
                self.assertIn("cpu", container["resources"]["requests"])
                mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
                self.assertEqual(mounts[claim], "/var/lib/headwire")
                self.assertEqual(mounts["config"], os.path.dirname(CONFIG_IN_IMAGE))

    def test_systemd_units(self):
        units = sorted(glob.glob(deploy("systemd", "*.service")))
        self.assertEqual([os.path.basename(u) for u in units],
                         ["headwire-process.service", "headwire-sink.service"])
        for unit in units:
            with open(unit) as f:
                lines = f.read().splitlines()
            env = dict(l.split("=", 1)[1].split("=", 1) for l in lines
                       if l.startswith("Environment="))
            commands = [l.split("=", 1)[1] for l in lines
                        if l.startswith(("ExecStart=", "ExecStartPre="))]
            self.assertEqual(len(commands), 2, unit)
            for command in commands:
                with self.subTest(unit=os.path.basename(unit), command=command):
                    words = shlex.split(command)
                    self.assertEqual(words[0], "/usr/local/bin/headwire")
                    self.check_command(words[1:], deploy("headwire.toml"), env, unit)


if __name__ == "__main__":
    harness.run_tests(bind_args)
