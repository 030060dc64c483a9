"""The product's Ed25519 signing key: made on first use, kept in the data directory (0600).

A package carries the signature over the exact bytes of its `manifest.json` and the public key
(PEM, SubjectPublicKeyInfo) that checks it. Anyone can put another key in a package, so the
signer is identified by the fingerprint, SHA-256 of the 32 raw public key bytes, which the
recipient compares with the one the product shows (`vaultwatch keys show`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from models.home import vaultwatch_home
from pipelines.private_files import create_private_file

KEY_FILE = "signing_ed25519.pem"


class SigningKeyError(ValueError):
    """A key file that cannot be read as an Ed25519 key."""


@dataclass(frozen=True)
class SigningKey:
    """A private key and where it was read from."""

    private: Ed25519PrivateKey
    path: Path

    @property
    def public_pem(self) -> bytes:
        return public_pem(self.private.public_key())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.private.public_key())

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `data`."""
        signature: bytes = self.private.sign(data)
        return signature


def default_key_path() -> Path:
    return vaultwatch_home() / "keys" / KEY_FILE


def load_or_create_key(path: Path | None = None) -> SigningKey:
    """The key at `path` (default: the data directory's), created there (mode 0600) if absent."""
    path = default_key_path() if path is None else path
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Exclusive: two first exports at once must not each write a different key.
        if not create_private_file(path, pem):
            return load_key(path)
    return load_key(path)


def load_key(path: Path) -> SigningKey:
    """An existing Ed25519 private key (PEM, unencrypted)."""
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyError(f"cannot read the signing key {path}: {exc}") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 private key")
    return SigningKey(private, path)


def public_pem(key: Ed25519PublicKey) -> bytes:
    pem: bytes = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem


def load_public_pem(data: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; ValueError for anything else."""
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex in groups of 4 (`ab12 cd34 ...`)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as typed (spaces, colons, any case) in the grouped form."""
    digest = "".join(c for c in text.lower() if c not in " :-")
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def signature_valid(key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
