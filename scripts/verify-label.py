#!/usr/bin/env python3
"""Verify a zerolabel certificate with nothing but the Python standard library and openssl.

Usage:
    python3 verify-label.py CERTIFICATE.json DID.json [--status-list STATUS.json] [--at TIME]

CERTIFICATE.json is the signed certificate (GET /api/v1/certificates/{id}), DID.json the
issuer's key list (GET /.well-known/did.json), STATUS.json the signed status list the
certificate names in credentialStatus.statusListCredential (GET /status/{list}).

Prints one status first (valid, expired, not_yet_valid, revoked, signature_invalid,
key_not_trusted) and the reason; exits 0 only for valid, 1 for any other status, and 2 when the
input cannot be checked by this script.

The proof is W3C Data Integrity with cryptosuite eddsa-jcs-2022: the signed message is
SHA-256(JCS(proof without proofValue)) followed by SHA-256(JCS(document without proof)), and
the Ed25519 signature over it is checked by `openssl pkeyutl -verify -rawin` (OpenSSL 3.0+),
which refuses a signature whose S is not below the group order.

JCS (RFC 8785) is done with json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False). That equals JCS only for JSON without fractional or huge numbers, without
lone surrogates, and whose object keys sort the same by code point as by UTF-16 code unit (true
when no key has a character above U+FFFF). This script refuses any input outside those limits
instead of guessing; zerolabel certificates are inside them (numbers are decimal strings, keys
are ASCII).
"""

import argparse
import base64
import datetime
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_MULTICODEC = bytes([0xED, 0x01])
# DER of an Ed25519 SubjectPublicKeyInfo up to the key (RFC 8410 section 4).
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
LARGEST_EXACT_INTEGER = 2**53 - 1


class Unusable(Exception):
    """The input is outside what this script can check."""


class Refused(Exception):
    """The certificate is not valid; carries the status word."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status


def load_json(path):
    """Reads JSON, refusing duplicate keys, fractional numbers and NaN or Infinity."""

    def unique_keys(pairs):
        keys = [key for key, _ in pairs]
        if len(keys) != len(set(keys)):
            raise Unusable(f"{path}: an object has a duplicate key")
        return dict(pairs)

    def refuse_number(text):
        raise Unusable(f"{path}: the number {text} is not an integer; JCS here needs integers")

    with open(path, encoding="utf-8") as file:
        return json.load(
            file,
            object_pairs_hook=unique_keys,
            parse_float=refuse_number,
            parse_constant=refuse_number,
        )


def check_jcs_limits(value):
    """Refuses values for which the json.dumps form below is not RFC 8785 JCS."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > LARGEST_EXACT_INTEGER:
            raise Unusable(f"the integer {value} is beyond 2^53 - 1")
    elif isinstance(value, list):
        for item in value:
            check_jcs_limits(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if any(ord(char) > 0xFFFF for char in key):
                raise Unusable(f"the key {key!r} sorts differently in UTF-16 than in Python")
            check_jcs_limits(item)


def jcs(value):
    """RFC 8785 canonical bytes, within the limits checked above."""
    check_jcs_limits(value)
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Unusable(f"a string holds a lone surrogate: {error}") from error


def base58_decode(text):
    """Bitcoin-alphabet base58, as used by multibase 'z'."""
    number = 0
    for char in text:
        if char not in BASE58_ALPHABET:
            raise ValueError(f"{char!r} is not a base58 character")
        number = number * 58 + BASE58_ALPHABET.index(char)
    leading_zeros = len(text) - len(text.lstrip("1"))
    return bytes(leading_zeros) + number.to_bytes((number.bit_length() + 7) // 8, "big")


def key_of_multikey(multikey):
    """The 32 key bytes of a 'z6Mk...' Multikey."""
    if not multikey.startswith("z"):
        raise ValueError("a Multikey starts with z")
    decoded = base58_decode(multikey[1:])
    if not decoded.startswith(ED25519_MULTICODEC) or len(decoded) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return decoded[2:]


def parse_time(text):
    """An RFC 3339 time; before Python 3.11 fromisoformat does not read a trailing Z."""
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(text)


def signed_message(credential):
    """SHA-256(JCS(proof options)) || SHA-256(JCS(document)): the 64 bytes Ed25519 signs."""
    document = dict(credential)
    proof = dict(document.pop("proof"))
    proof.pop("proofValue")
    if "@context" in proof and proof["@context"] != document.get("@context"):
        raise Refused("signature_invalid", "the proof was made under another @context")
    return hashlib.sha256(jcs(proof)).digest() + hashlib.sha256(jcs(document)).digest()


def openssl_verifies(public_key, message, signature):
    """Runs openssl pkeyutl -verify -rawin on the raw message, key and signature."""
    with tempfile.TemporaryDirectory() as folder:
        paths = {name: os.path.join(folder, name) for name in ("pub.pem", "msg.bin", "sig.bin")}
        pem = base64.b64encode(ED25519_SPKI_PREFIX + public_key).decode("ascii")
        with open(paths["pub.pem"], "w", encoding="ascii") as file:
            file.write(f"-----BEGIN PUBLIC KEY-----\n{pem}\n-----END PUBLIC KEY-----\n")
        with open(paths["msg.bin"], "wb") as file:
            file.write(message)
        with open(paths["sig.bin"], "wb") as file:
            file.write(signature)

        result = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["pub.pem"], "-rawin",
             "-in", paths["msg.bin"], "-sigfile", paths["sig.bin"]],
            capture_output=True,
            text=True,
        )
    if "Signature Verified Successfully" in result.stdout and result.returncode == 0:
        return True
    if "Signature Verification Failure" in result.stdout:
        return False
    raise Unusable(f"openssl could not check the signature: {result.stderr.strip()}")


def verify_signature(credential):
    """Checks the eddsa-jcs-2022 proof; returns (multikey, created)."""
    proof = credential.get("proof")
    if not isinstance(proof, dict):
        raise Refused("signature_invalid", "there is no single proof object")
    expected = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
                "proofPurpose": "assertionMethod"}
    for field, value in expected.items():
        if proof.get(field) != value:
            raise Refused("signature_invalid", f"proof {field} is not {value}")

    try:
        did, fragment = proof["verificationMethod"].removeprefix("did:key:").split("#")
        if did != fragment or not proof["verificationMethod"].startswith("did:key:"):
            raise ValueError("the verification method is not did:key:KEY#KEY")
        public_key = key_of_multikey(fragment)
        signature = base58_decode(proof["proofValue"].removeprefix("z"))
        created = parse_time(proof["created"])
    except (KeyError, AttributeError, ValueError) as error:
        raise Refused("signature_invalid", f"the proof is malformed: {error}") from error
    if len(signature) != 64 or not proof["proofValue"].startswith("z"):
        raise Refused("signature_invalid", "proofValue is not z + base58btc of 64 bytes")

    if not openssl_verifies(public_key, signed_message(credential), signature):
        raise Refused("signature_invalid", "the signature does not match the document")
    return fragment, created


def check_key_is_listed(multikey, created, did_document):
    """The issuer must list the key, and it must have been inside its window when it signed."""
    for entry in did_document.get("verificationMethod", []):
        if entry.get("publicKeyMultibase") != multikey:
            continue
        if created < parse_time(entry["validFrom"]):
            raise Refused("key_not_trusted", "signed before the key's window opened")
        if "validUntil" in entry and created > parse_time(entry["validUntil"]):
            raise Refused("key_not_trusted", "signed after the key's window closed")
        if "revokedAt" in entry and created >= parse_time(entry["revokedAt"]):
            raise Refused("key_not_trusted", "signed after the key was compromised")
        return
    raise Refused("key_not_trusted", "the issuer does not list this key")


def issuer_id(credential):
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def check_issuer_is_the_did(credential, did_document):
    """The credential must name as its issuer the DID whose document lists the keys; otherwise
    any site could publish a did.json with a copied key list and vouch for another's labels."""
    if issuer_id(credential) != did_document.get("id"):
        raise Refused(
            "key_not_trusted",
            f"the certificate names issuer {issuer_id(credential)!r}, "
            f"but did.json is {did_document.get('id')!r}",
        )


def check_not_revoked(certificate, status_list, did_document):
    """Reads the certificate's bit in a status list whose own signature and key check out."""
    try:
        multikey, created = verify_signature(status_list)
        check_issuer_is_the_did(status_list, did_document)
        check_key_is_listed(multikey, created, did_document)
    except Refused as refused:
        raise Unusable(f"the status list cannot be trusted: {refused}") from refused

    entry = certificate["credentialStatus"]
    if entry["statusListCredential"] != status_list.get("id"):
        raise Unusable("the status list is not the one the certificate names")
    encoded = status_list["credentialSubject"]["encodedList"]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    index = int(entry["statusListIndex"])
    if bits[index // 8] >> (7 - index % 8) & 1:
        raise Refused("revoked", "the issuer's status list marks this certificate revoked")


def check_validity_period(certificate, now):
    if "validFrom" not in certificate or "validUntil" not in certificate:
        raise Refused("signature_invalid", "validFrom or validUntil is missing")
    if now < parse_time(certificate["validFrom"]):
        raise Refused("not_yet_valid", "validity starts later")
    if now > parse_time(certificate["validUntil"]):
        raise Refused("expired", "validity has ended")


def verify(arguments):
    certificate = load_json(arguments.certificate)
    did_document = load_json(arguments.did)
    now = parse_time(arguments.at) if arguments.at else datetime.datetime.now(datetime.timezone.utc)

    multikey, created = verify_signature(certificate)
    check_issuer_is_the_did(certificate, did_document)
    check_key_is_listed(multikey, created, did_document)
    if arguments.status_list:
        check_not_revoked(certificate, load_json(arguments.status_list), did_document)
    check_validity_period(certificate, now)
    return multikey


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("certificate")
    parser.add_argument("did", help="the issuer's did.json")
    parser.add_argument("--status-list", help="the signed status list, to check revocation")
    parser.add_argument("--at", help="judge at this RFC 3339 time instead of now")
    arguments = parser.parse_args()

    try:
        multikey = verify(arguments)
    except Refused as refused:
        print(f"{refused.status}\nreason: {refused}")
        return 1
    except (Unusable, OSError, ValueError, KeyError, TypeError) as error:
        print(f"cannot check: {error}", file=sys.stderr)
        return 2
    print(f"valid\nsigned by: did:key:{multikey}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
