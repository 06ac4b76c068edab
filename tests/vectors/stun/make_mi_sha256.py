#!/usr/bin/python3
"""Makes tests/vectors/stun/mi_sha256.txt: STUN messages with MESSAGE-INTEGRITY-SHA256.

There are no published short-term-credential vectors for MESSAGE-INTEGRITY-SHA256 (RFC 8489
Appendix B.1 has one long-term request, kept in rfc8489.txt), so these are made here with an
implementation that shares nothing with galois: Python's struct, hmac, hashlib and zlib only.
It is checked first against the published vectors: the builder below must rebuild RFC 5769 §2.1
(MESSAGE-INTEGRITY, FINGERPRINT) and RFC 8489 Appendix B.1 as corrected by erratum 6268
(MESSAGE-INTEGRITY-SHA256 under the SHA-256 long-term key) byte for byte from their attributes.

Each case is a Binding request of a full ICE peer to the lite agent of
tests/unit/ice/lite_test.c (USERNAME "L0cal:R3mote", key = the agent's password, RFC 8489
§9.1.1), with:
  check_text   what galois_stun_check_integrity says under password_text: ok, auth, or
               malformed (galois_stun_parse refuses the message: BAD_ATTR)
  agent_text   what the agent does: success, 401, or malformed (dropped)
  response     the agent's answer, byte for byte, to a request from from_text:from_port_dec:
               RFC 8489 §9.1.3 signs a success with the attribute the request used
               (MESSAGE-INTEGRITY-SHA256 only, when it had both); a 401 carries neither.

Run from the repository root:  /usr/bin/python3 tests/vectors/stun/make_mi_sha256.py
It rewrites tests/vectors/stun/mi_sha256.txt (the output is deterministic).
"""
import hashlib
import hmac
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
COOKIE = 0x2112A442

USERNAME, MI, ERROR_CODE, REALM, NONCE = 0x0006, 0x0008, 0x0009, 0x0014, 0x0015
PASSWORD_ALGORITHM, MI_SHA256, USERHASH, XOR_MAPPED = 0x001D, 0x001C, 0x001E, 0x0020
PRIORITY, USE_CANDIDATE, SOFTWARE, FINGERPRINT = 0x0024, 0x0025, 0x8022, 0x8028
ICE_CONTROLLED, ICE_CONTROLLING = 0x8029, 0x802A


def attr(atype, value, pad=b"\0"):
    """One attribute: type, length, value, padded to 4 bytes with `pad`."""
    return struct.pack("!HH", atype, len(value)) + value + pad * (-len(value) % 4)


def header(mtype, body_len, txid):
    return struct.pack("!HHI", mtype, body_len, COOKIE) + txid


def integrity(mtype, txid, body, key, sha256, trunc=32):
    """MESSAGE-INTEGRITY(-SHA256) for a message whose attributes so far are `body`: the HMAC
    over the header, with the length ending at the new attribute (RFC 8489 §14.5, §14.6), and
    the body."""
    size = trunc if sha256 else 20
    text = header(mtype, len(body) + 4 + size, txid) + body
    digest = hashlib.sha256 if sha256 else hashlib.sha1
    return attr(MI_SHA256 if sha256 else MI, hmac.new(key, text, digest).digest()[:size])


def fingerprint(mtype, txid, body):
    """FINGERPRINT: CRC-32 of everything before it, the length counting it, xor "STUN"."""
    text = header(mtype, len(body) + 8, txid) + body
    return attr(FINGERPRINT, struct.pack("!I", (zlib.crc32(text) & 0xFFFFFFFF) ^ 0x5354554E))


def finish(mtype, txid, body):
    return header(mtype, len(body), txid) + body


def read_vectors(name):
    cases, cur = {}, None
    with open(os.path.join(HERE, name)) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("["):
                cur = cases.setdefault(line[1:-1], {})
            elif " = " in line and not line.startswith("#"):
                k, v = line.split(" = ", 1)
                cur[k] = v
    return cases


def self_check():
    # RFC 5769 §2.1: attributes copied from the vector (spaces as padding, as the RFC has).
    v = next(c for n, c in read_vectors("rfc5769.txt").items() if n.startswith("2.1 "))
    txid = bytes.fromhex(v["txid"])
    key = v["password_text"].encode()
    body = (attr(SOFTWARE, v["software_text"].encode(), b" ")
            + attr(PRIORITY, bytes.fromhex(v["priority"]))
            + attr(ICE_CONTROLLED, bytes.fromhex(v["ice_controlled"]))
            + attr(USERNAME, v["username_text"].encode(), b" "))
    body += integrity(0x0001, txid, body, key, sha256=False)
    body += fingerprint(0x0001, txid, body)
    assert finish(0x0001, txid, body).hex() == v["message"], "RFC 5769 2.1 not rebuilt"

    # RFC 8489 B.1 (erratum 6268): USERHASH = SHA-256(username ":" realm), PASSWORD-ALGORITHM
    # SHA-256, key = SHA-256(username ":" realm ":" password) (§9.2.2, §18.5.1).
    v = next(c for n, c in read_vectors("rfc8489.txt").items() if n.startswith("B.1 "))
    txid = bytes.fromhex(v["txid"])
    user = bytes.fromhex(v["username"])
    realm = v["realm_text"].encode()
    key = hashlib.sha256(user + b":" + realm + b":" + v["password_text"].encode()).digest()
    assert key.hex() == v["key"], "B.1 key"
    body = (attr(USERHASH, hashlib.sha256(user + b":" + realm).digest())
            + attr(NONCE, v["nonce_text"].encode())
            + attr(REALM, realm)
            + attr(PASSWORD_ALGORITHM, bytes.fromhex("00020000")))
    body += integrity(0x0001, txid, body, key, sha256=True)
    assert finish(0x0001, txid, body).hex() == v["message"], "RFC 8489 B.1 not rebuilt"


LOCAL_PWD = b"localpasswordlocalpassw0rd"  # the agent's password in lite_test.c
WRONG_PWD = b"remotepasswordremotepassword"
FROM_IP, FROM_PORT = "192.0.2.10", 50000


def request_attrs(use_candidate=False):
    body = attr(USERNAME, b"L0cal:R3mote") + attr(PRIORITY, struct.pack("!I", 1853824767))
    if use_candidate:
        body += attr(USE_CANDIDATE, b"")
    return body + attr(ICE_CONTROLLING, bytes.fromhex("1122334455667788"))


def flip_last(a):
    """The attribute `a` with the last byte of its value changed."""
    return a[:-1] + bytes([a[-1] ^ 0x01])


def success(txid):
    """The agent's success answer, signed with a full MESSAGE-INTEGRITY-SHA256."""
    ip = bytes(int(x) for x in FROM_IP.split("."))
    xip = bytes(a ^ b for a, b in zip(ip, struct.pack("!I", COOKIE)))
    body = attr(XOR_MAPPED, struct.pack("!BBH", 0, 1, FROM_PORT ^ (COOKIE >> 16)) + xip)
    body += integrity(0x0101, txid, body, LOCAL_PWD, sha256=True)
    body += fingerprint(0x0101, txid, body)
    return finish(0x0101, txid, body)


def unauthenticated(txid):
    """The agent's 401: ERROR-CODE and FINGERPRINT, no integrity (RFC 8489 §9.1.3)."""
    body = attr(ERROR_CODE, struct.pack("!HBB", 0, 4, 1) + b"Unauthenticated")
    body += fingerprint(0x0111, txid, body)
    return finish(0x0111, txid, body)


def case(name, note, txid_byte, parts, check, agent):
    """parts(txid) returns the attributes before FINGERPRINT."""
    txid = bytes([txid_byte]) * 12
    body = parts(txid)
    body += fingerprint(0x0001, txid, body)
    out = ["# " + line for line in note]
    out += [f"[{name}]", "message = " + finish(0x0001, txid, body).hex(), "txid = " + txid.hex(),
            "password_text = " + LOCAL_PWD.decode(), "check_text = " + check,
            "agent_text = " + agent, f"from_text = {FROM_IP}", f"from_port_dec = {FROM_PORT}"]
    if agent == "success":
        out.append("response = " + success(txid).hex())
    elif agent == "401":
        out.append("response = " + unauthenticated(txid).hex())
    return out


def sha256_only(key, trunc=32):
    def parts(txid):
        body = request_attrs()
        return body + integrity(0x0001, txid, body, key, sha256=True, trunc=trunc)
    return parts


def both(tamper_mi=False, tamper_sha256=False):
    def parts(txid):
        body = request_attrs()
        mi = integrity(0x0001, txid, body, LOCAL_PWD, sha256=False)
        body += flip_last(mi) if tamper_mi else mi
        mi256 = integrity(0x0001, txid, body, LOCAL_PWD, sha256=True)
        return body + (flip_last(mi256) if tamper_sha256 else mi256)
    return parts


def after_sha256(txid):
    body = request_attrs()
    body += integrity(0x0001, txid, body, LOCAL_PWD, sha256=True)
    # Not covered by any integrity attribute, so ignored (RFC 8489 §9): a nomination, an
    # unknown comprehension-required type, a MESSAGE-INTEGRITY of zeros, a role claim.
    return (body + attr(USE_CANDIDATE, b"") + attr(0x0031, b"x") + attr(MI, bytes(20))
            + attr(ICE_CONTROLLED, bytes(8)))


def main():
    self_check()
    lines = [
        "# Source: made by make_mi_sha256.py (Python hmac/hashlib/struct/zlib, no galois code),",
        "# whose builder first rebuilds RFC 5769 2.1 and RFC 8489 B.1 (erratum 6268) byte for byte.",
        "# Format: see ../README.md; fields: see the docstring of make_mi_sha256.py.",
        "# Every message: Binding request, USERNAME L0cal:R3mote, PRIORITY, ICE-CONTROLLING, the",
        "# integrity attribute(s), FINGERPRINT.",
        "",
    ]
    cases = [
        ("sha256 only, right key", ["Full 32-byte MESSAGE-INTEGRITY-SHA256 and no MESSAGE-INTEGRITY."],
         0x31, sha256_only(LOCAL_PWD), "ok", "success"),
        ("sha256 only, wrong key", ["Signed with another password: 401."],
         0x32, sha256_only(WRONG_PWD), "auth", "401"),
        ("sha256 truncated to 16",
         ["Truncated to 16 bytes: valid for STUN (RFC 8489 14.6), but ICE does not allow",
          "truncation, so the agent wants 32 bytes: 401."],
         0x33, sha256_only(LOCAL_PWD, 16), "ok", "401"),
        ("sha256 truncated to 12", ["Under the 16-byte floor: malformed."],
         0x34, sha256_only(LOCAL_PWD, 12), "malformed", "malformed"),
        ("both, right", ["MESSAGE-INTEGRITY then MESSAGE-INTEGRITY-SHA256 (which covers it), both right."],
         0x35, both(), "ok", "success"),
        ("both, sha256 tampered",
         ["MESSAGE-INTEGRITY right, MESSAGE-INTEGRITY-SHA256 wrong (last byte): no falling back",
          "to MESSAGE-INTEGRITY, 401."],
         0x36, both(tamper_sha256=True), "auth", "401"),
        ("both, mi tampered",
         ["MESSAGE-INTEGRITY wrong, MESSAGE-INTEGRITY-SHA256 (computed over it) right: RFC 8489",
          "9.1.3 checks only the SHA-256 one."],
         0x37, both(tamper_mi=True), "ok", "success"),
        ("attributes after sha256",
         ["After MESSAGE-INTEGRITY-SHA256: USE-CANDIDATE, unknown 0x0031, a MESSAGE-INTEGRITY",
          "of zeros, ICE-CONTROLLED; all ignored (RFC 8489 9), then FINGERPRINT."],
         0x38, after_sha256, "ok", "success"),
    ]
    for c in cases:
        lines += case(*c) + [""]
    with open(os.path.join(HERE, "mi_sha256.txt"), "w") as f:
        f.write("\n".join(lines[:-1]) + "\n")


if __name__ == "__main__":
    main()
