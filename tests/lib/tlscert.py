"""tlscert.py: a throwaway self-signed certificate for TLS tests.

Made at test time with the openssl command (Debian's openssl package), in a
folder the caller owns; no private key is ever committed.
"""
import os
import subprocess


def make_self_signed(folder, name="localhost"):
    """Write cert.pem and key.pem (EC P-256, valid one day, subject and
    subjectAltName `name` plus 127.0.0.1 and ::1) into folder; return the
    two paths (cert, key)."""
    cert = os.path.join(folder, "cert.pem")
    key = os.path.join(folder, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec",
         "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=" + name,
         "-addext", "subjectAltName=DNS:%s,IP:127.0.0.1,IP:::1" % name],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        timeout=30)
    return cert, key
