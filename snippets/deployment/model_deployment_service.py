"""A minimal model-serving HTTP endpoint (standard library only), tested on 127.0.0.1.

POST /v1/predict takes {"inputs": [[4 floats], ...]} and returns predictions; GET /healthz
is the health check. The input is validated before it reaches the model, and the server's
answers must equal the model's own predictions, also under concurrent requests.
"""

import http.client
import json
import math
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import torch
from sklearn.datasets import load_iris
from torch import nn

MODEL_VERSION = "iris-mlp-1"
MAX_BODY_BYTES, MAX_BATCH, N_FEATURES = 64 * 1024, 64, 4


class IrisModel(nn.Module):
    """Preprocessing lives inside the model, so serving cannot drift from training."""

    def __init__(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.net = nn.Sequential(nn.Linear(N_FEATURES, 16), nn.ReLU(), nn.Linear(16, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net((x - self.mean) / self.std)


X, y = load_iris(return_X_y=True)
X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
order = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
train, test = order[:120], order[120:]
torch.manual_seed(0)
model = IrisModel(X[train].mean(0), X[train].std(0))
optimizer = torch.optim.AdamW(model.parameters(), lr=0.05)
for _ in range(100):
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(X[train]), y[train]).backward()
    optimizer.step()
model.eval()


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse_inputs(body: bytes) -> torch.Tensor:
    """Reject anything that is not a small batch of N_FEATURES finite numbers."""
    try:
        inputs = json.loads(body)["inputs"]
    except (ValueError, KeyError, TypeError):
        raise BadRequest(400, 'expected JSON {"inputs": [[...], ...]}') from None
    if not isinstance(inputs, list) or not 1 <= len(inputs) <= MAX_BATCH:
        raise BadRequest(400, f"inputs must be a list of 1 to {MAX_BATCH} rows")
    for row in inputs:
        if not (isinstance(row, list) and len(row) == N_FEATURES):
            raise BadRequest(400, f"every row needs {N_FEATURES} numbers")
        for v in row:
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise BadRequest(400, "values must be finite numbers")
    return torch.tensor(inputs, dtype=torch.float32)


class Handler(BaseHTTPRequestHandler):
    def reply(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self.reply(200, {"status": "ok", "model_version": MODEL_VERSION})
        else:
            self.reply(404, {"error": "not found"})

    def do_POST(self) -> None:
        try:
            if self.path != "/v1/predict":
                raise BadRequest(404, "not found")
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                raise BadRequest(411, "Content-Length required") from None
            if length < 0:
                raise BadRequest(400, "invalid Content-Length")
            if length > MAX_BODY_BYTES:
                raise BadRequest(413, "request body too large")
            x = parse_inputs(self.rfile.read(length))
        except BadRequest as error:
            self.reply(error.status, {"error": str(error)})
            return
        with torch.inference_mode():
            probabilities = model(x).softmax(dim=1)
        self.reply(200, {
            "model_version": MODEL_VERSION,
            "predictions": probabilities.argmax(1).tolist(),
            "probabilities": [[round(p, 4) for p in row] for row in probabilities.tolist()],
        })  # fmt: skip

    def log_message(self, format: str, *args) -> None:
        pass  # keep the example's output clean; a real service logs to its log pipeline


class Server(ThreadingHTTPServer):
    # Connections the OS queues before accept(). The default, 5, is too small for a burst:
    # the kernel drops the extra connection attempts and clients retry only after 1 s.
    request_queue_size = 128


server = Server(("127.0.0.1", 0), Handler)  # loopback only, a free port
threading.Thread(target=server.serve_forever, daemon=True).start()
base_url = f"http://127.0.0.1:{server.server_address[1]}"


def call(method: str, path: str, body: bytes | None = None) -> tuple[int, dict]:
    url = base_url + path  # always http://127.0.0.1:<port>/...
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310  fixed scheme and host
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  same URL
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def predict(rows: list) -> tuple[int, dict]:
    return call("POST", "/v1/predict", json.dumps({"inputs": rows}).encode())


def announce_huge_body() -> tuple[int, dict]:
    """Send only the headers of a 10 MB request: the server must refuse without reading it."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    connection.putrequest("POST", "/v1/predict")
    connection.putheader("Content-Length", str(10_000_000))
    connection.endheaders()
    response = connection.getresponse()
    result = response.status, json.load(response)
    connection.close()
    return result


try:
    status, health = call("GET", "/healthz")
    print(f"GET /healthz -> {status} {health['status']} ({health['model_version']})")

    status, answer = predict(X[test].tolist())
    with torch.inference_mode():
        expected = model(X[test]).argmax(1).tolist()
    served_ok = status == 200 and answer["predictions"] == expected
    accuracy = (torch.tensor(answer["predictions"]) == y[test]).float().mean().item()
    print(f"POST /v1/predict, {len(test)} rows -> {status}; equals model(x): {served_ok}; "
          f"accuracy {accuracy:.3f}")  # fmt: skip

    # 16 concurrent one-row requests (ThreadingHTTPServer: one thread per request).
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda row: predict([row]), X[test][:16].tolist()))
    concurrent_ok = [r[1]["predictions"][0] for r in results] == expected[:16]
    print(f"16 concurrent requests answered correctly: {concurrent_ok}")

    bad_requests = {
        "not JSON": call("POST", "/v1/predict", b"hello"),
        "3 features": predict([[5.1, 3.5, 1.4]]),
        "NaN value": call("POST", "/v1/predict", b'{"inputs": [[1, 2, 3, NaN]]}'),
        "65 rows": predict([[1.0, 2.0, 3.0, 4.0]] * 65),
        "10 MB body": announce_huge_body(),
        "unknown path": call("POST", "/v2/predict", b"{}"),
    }
    for name, (status, payload) in bad_requests.items():
        print(f"{name:15s} -> {status} {payload['error']}")
finally:
    server.shutdown()
    server.server_close()

assert health["status"] == "ok" and served_ok and concurrent_ok and accuracy > 0.9
assert [s for s, _ in bad_requests.values()] == [400, 400, 400, 400, 413, 404]
