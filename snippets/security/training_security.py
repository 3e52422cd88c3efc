"""Encrypting a training-data shard at rest with AES-GCM (authenticated encryption).

The key comes from the environment (a secret manager injects it), never from the source code,
and the program stops when it is missing. Each file gets a fresh random 96-bit nonce, stored
next to the ciphertext; the file name is bound in as associated data. Any change to the file,
the associated data or the key makes decryption fail with InvalidTag instead of returning
garbage.
"""

import base64
import io
import os
import tempfile
from pathlib import Path

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sklearn.datasets import load_digits

KEY_VARIABLE = "TRAINING_DATA_KEY"  # base64 of a 32-byte key, injected by a secret manager
NONCE_BYTES = 12  # 96-bit nonce, the size GCM is designed for


def load_key() -> bytes:
    """Read the key from the environment; fail loudly rather than fall back to a default."""
    encoded = os.environ.get(KEY_VARIABLE)
    if not encoded:
        raise RuntimeError(f"{KEY_VARIABLE} is not set; refusing to run without a key")
    key = base64.b64decode(encoded, validate=True)
    if len(key) != 32:
        raise RuntimeError(f"{KEY_VARIABLE} must hold 32 bytes (AES-256), got {len(key)}")
    return key


def encrypt_file(path: Path, plaintext: bytes, key: bytes) -> None:
    nonce = os.urandom(NONCE_BYTES)  # never reuse a nonce with the same key
    associated = path.name.encode()  # authenticated, not encrypted: binds the data to its name
    path.write_bytes(nonce + AESGCM(key).encrypt(nonce, plaintext, associated))


def decrypt_file(path: Path, key: bytes, name: str | None = None) -> bytes:
    blob = path.read_bytes()
    nonce, ciphertext = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    return AESGCM(key).decrypt(nonce, ciphertext, (name or path.name).encode())


os.environ.pop(KEY_VARIABLE, None)  # make the demo independent of the caller's environment
try:
    load_key()
except RuntimeError as missing:
    print(f"without the secret: {missing}")

# Stand-in for the secret manager: a random key, created at run time and kept out of the code.
os.environ[KEY_VARIABLE] = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
key = load_key()

X, y = load_digits(return_X_y=True)
buffer = io.BytesIO()
np.save(buffer, X[:100].astype(np.float32))  # .npy: plain array bytes, no pickle
plaintext = buffer.getvalue()

with tempfile.TemporaryDirectory() as tmp:
    shard = Path(tmp) / "digits-train-000.npy.enc"
    encrypt_file(shard, plaintext, key)
    size = shard.stat().st_size
    print(f"plaintext {len(plaintext)} bytes -> file {size} bytes (12 nonce + 16 tag)")
    assert size == len(plaintext) + NONCE_BYTES + 16

    restored = np.load(io.BytesIO(decrypt_file(shard, key)), allow_pickle=False)
    print(f"decrypted and intact: {np.array_equal(restored, X[:100])}")
    assert np.array_equal(restored, X[:100])

    first = shard.read_bytes()
    encrypt_file(shard, plaintext, key)  # same data, same key, new nonce
    print(f"re-encrypting gives a different file: {shard.read_bytes() != first}")
    assert shard.read_bytes()[NONCE_BYTES:] != first[NONCE_BYTES:]

    tampered = bytearray(shard.read_bytes())
    tampered[200] ^= 0x01  # flip one bit of the ciphertext
    forged = Path(tmp) / "digits-train-000.npy.enc.tampered"
    forged.write_bytes(bytes(tampered))
    attempts = {
        "one flipped bit": lambda: decrypt_file(forged, key, name=shard.name),
        "file renamed (other associated data)": lambda: decrypt_file(shard, key, name="x.enc"),
        "wrong key": lambda: decrypt_file(shard, AESGCM.generate_key(bit_length=256)),
    }
    for what, attempt in attempts.items():
        try:
            attempt()
            outcome = "decrypted (!)"
        except InvalidTag:
            outcome = "InvalidTag"
        print(f"{what:37s} -> {outcome}")
        assert outcome == "InvalidTag"
