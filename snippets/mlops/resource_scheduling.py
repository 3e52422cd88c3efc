"""Review a Kubernetes training Job before submitting it: explicit checks on its resources,
placement and failure handling. The manifest is parsed and validated, never applied.

The first manifest passes every check; the second is the source posts' bare Pod, written
as YAML, and fails most of them.
"""

import copy

import yaml

TRAINING_JOB = """
apiVersion: batch/v1
kind: Job
metadata:
  name: finetune-7b
  namespace: team-nlp
  labels:
    kueue.x-k8s.io/queue-name: team-nlp-gpu   # Kueue admits it against the team's GPU quota
spec:
  suspend: true                 # Kueue starts it when the quota has room
  backoffLimit: 3               # retry a failed pod at most 3 times
  activeDeadlineSeconds: 172800 # a runaway job releases its GPUs after 48 h
  ttlSecondsAfterFinished: 86400
  template:
    spec:
      restartPolicy: Never
      priorityClassName: training-normal
      nodeSelector:
        nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3
      tolerations:
        - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
      securityContext: {runAsNonRoot: true, runAsUser: 1000}
      containers:
        - name: trainer
          image: registry.example.com/nlp/trainer:2.3.1
          command: [torchrun, --nproc-per-node=8, train.py, --resume-from=/ckpt/latest]
          resources:
            requests: {cpu: "64", memory: 512Gi, nvidia.com/gpu: 8}
            limits: {cpu: "64", memory: 512Gi, nvidia.com/gpu: 8}
          volumeMounts:
            - {name: checkpoints, mountPath: /ckpt}
            - {name: dshm, mountPath: /dev/shm}
      volumes:
        - name: checkpoints
          persistentVolumeClaim: {claimName: nlp-checkpoints}
        - name: dshm                    # DataLoader workers need more than the default 64 MiB
          emptyDir: {medium: Memory, sizeLimit: 64Gi}
"""

# The Pod that the source posts create through the Python client, as a manifest.
SOURCE_POD = """
apiVersion: v1
kind: Pod
metadata: {name: my-pod}
spec:
  containers:
    - {name: my-container, image: my-image}
"""

GPU = "nvidia.com/gpu"


def review(manifest: dict) -> list[str]:
    """The problems found in a Job (or bare Pod) manifest; an empty list means it passes."""
    problems = []
    if manifest.get("kind") != "Job":
        problems.append(f"kind {manifest.get('kind')}: submit training as a Job (retries, "
                        "deadline), PyTorchJob or JobSet, not a bare Pod")  # fmt: skip
    spec = manifest.get("spec", {})
    pod = spec.get("template", {}).get("spec", spec)  # a bare Pod has its spec at the top
    if manifest.get("kind") == "Job":
        if pod.get("restartPolicy") not in {"Never", "OnFailure"}:
            problems.append("restartPolicy must be Never or OnFailure for a Job")
        if spec.get("backoffLimit", 6) > 3:  # team policy; Kubernetes' default is 6
            problems.append("backoffLimit unset or above 3: a crash loop keeps grabbing GPUs")
        if "activeDeadlineSeconds" not in spec:
            problems.append("no activeDeadlineSeconds: a hung job holds its GPUs forever")
        if "kueue.x-k8s.io/queue-name" not in manifest.get("metadata", {}).get("labels", {}):
            problems.append("no queue label: the job bypasses the team's quota")
    if "priorityClassName" not in pod:
        problems.append("no priorityClassName: default priority when preemption decides")
    for c in pod.get("containers", []):
        name, image = c.get("name"), c.get("image", "")
        tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else ""
        if "@sha256:" not in image and tag in {"", "latest"}:
            problems.append(f"{name}: image {image!r}: pin a version tag, not (implicit) latest")
        requests = c.get("resources", {}).get("requests", {})
        limits = c.get("resources", {}).get("limits", {})
        if GPU not in limits:
            problems.append(f"{name}: no limits.{GPU}: the container gets no GPU")
        elif requests.get(GPU, limits[GPU]) != limits[GPU]:
            problems.append(f"{name}: GPU requests must equal limits (GPUs are not overcommitted)")
        if not all(k in requests and k in limits for k in ("cpu", "memory")):
            problems.append(f"{name}: set cpu and memory requests and limits")
        mounts = [m.get("mountPath") for m in c.get("volumeMounts", [])]
        if "/dev/shm" not in mounts:  # noqa: S108  a path in the manifest, not a file we open
            problems.append(f"{name}: no /dev/shm volume: DataLoader workers run out of it")
    if any(GPU in c.get("resources", {}).get("limits", {}) for c in pod.get("containers", [])):
        if not any(t.get("key") == GPU for t in pod.get("tolerations", [])):
            problems.append(f"no toleration for the {GPU} taint: tainted GPU nodes refuse the pod")
        if not pod.get("nodeSelector") and not pod.get("affinity"):
            problems.append("no nodeSelector or affinity: any GPU model may be picked")
    return problems


def qos_class(pod: dict) -> str:
    """Kubernetes QoS class: Guaranteed when every container has CPU and memory limits and
    its requests equal them; BestEffort when nothing is set; Burstable otherwise."""
    resources = [c.get("resources", {}) for c in pod["containers"]]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        limits, requests = r.get("limits", {}), r.get("requests", {})
        for k in ("cpu", "memory"):
            if k not in limits or requests.get(k, limits[k]) != limits[k]:
                return "Burstable"
    return "Guaranteed"


job, source_pod = yaml.safe_load(TRAINING_JOB), yaml.safe_load(SOURCE_POD)
trainer = job["spec"]["template"]["spec"]["containers"][0]
print(f"training Job: {len(review(job))} problems; {trainer['resources']['limits'][GPU]} GPUs, "
      f"QoS {qos_class(job['spec']['template']['spec'])}")  # fmt: skip

# Common mistakes, introduced one by one into a copy of the good Job.
broken = copy.deepcopy(job)
broken_spec = broken["spec"]["template"]["spec"]
broken_spec["containers"][0]["image"] = "registry.example.com/nlp/trainer:latest"
broken_spec["containers"][0]["resources"]["requests"][GPU] = 4  # limits still say 8
broken_spec["restartPolicy"] = "Always"
del broken["spec"]["backoffLimit"]  # the default, 6 retries
del broken_spec["tolerations"]
broken_problems = review(broken)
print(f"Job with common mistakes: {len(broken_problems)} problems")
for problem in broken_problems:
    print(f"  - {problem}")

pod_problems = review(source_pod)
print(f"source posts' Pod: {len(pod_problems)} problems; QoS {qos_class(source_pod['spec'])}")
for problem in pod_problems:
    print(f"  - {problem}")
assert review(job) == [] and qos_class(job["spec"]["template"]["spec"]) == "Guaranteed"
assert len(broken_problems) == 5 and len(pod_problems) == 6
