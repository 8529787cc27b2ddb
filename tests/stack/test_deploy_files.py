"""The files in deploy/ are what the programs accept: nginx's site (nginx -t), HAProxy's configuration (haproxy -c),
the systemd units (systemd-analyze verify). Each is checked as written, only its paths pointed at this checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SBIN = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"


def _program(name: str) -> str:
    found = shutil.which(name, path=SBIN)
    if not found:
        if os.environ.get("FANGKONG_REQUIRE_STACK"):
            pytest.fail(f"{name} is not installed (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return found


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fangkong.example.gov.cn")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    chain, private = directory / "fullchain.pem", directory / "privkey.pem"
    chain.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return chain, private


def test_the_nginx_site_is_accepted(tmp_path):
    nginx = _program("nginx")
    chain, private = _self_signed(tmp_path)
    site = (DEPLOY / "nginx" / "fangkong.conf").read_text()
    site = site.replace("/etc/ssl/fangkong/fullchain.pem", str(chain)).replace(
        "/etc/ssl/fangkong/privkey.pem", str(private)
    )
    (tmp_path / "site.conf").write_text(site.replace("/srv/fangkong/static/", f"{tmp_path}/"))
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n include {tmp_path}/site.conf;\n}}\n"
    )
    check = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()


def test_the_haproxy_configuration_is_accepted():
    haproxy = _program("haproxy")
    check = subprocess.run([haproxy, "-c", "-f", str(DEPLOY / "haproxy" / "haproxy.cfg")], capture_output=True)
    assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()


def test_the_systemd_units_verify(tmp_path):
    analyze = _program("systemd-analyze")
    fangkong = Path(shutil.which("fangkong") or Path(sys.executable).parent / "fangkong")
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text().replace("/opt/fangkong/venv/bin/fangkong", str(fangkong)))
        units.append(str(copy))
    check = subprocess.run([analyze, "verify", *units], capture_output=True, text=True)
    assert check.returncode == 0 and not check.stderr.strip(), check.stderr
    text = (DEPLOY / "systemd" / "fangkong-web.service").read_text()
    # Secrets as credentials, read through *_FILE: none in the environment file or on a command line.
    assert "DATABASE_URL_FILE=%d/database_url" in text and not re.search(r"^Environment=\w+_URL=", text, re.M)


def test_the_proxy_reaches_the_nodes_and_the_nodes_trust_the_proxy():
    """The nginx site's upstream, the web unit's address and the trusted proxies describe one topology."""
    site = (DEPLOY / "nginx" / "fangkong.conf").read_text()
    unit = (DEPLOY / "systemd" / "fangkong-web.service").read_text()
    settings = (DEPLOY / "fangkong.env").read_text()
    upstreams = re.findall(r"^\s*server (\d+\.\d+\.\d+\.\d+):(\d+)", site, re.M)
    host, port = re.search(r"serve --host (\S+) --port (\d+)", unit).groups()  # type: ignore[union-attr]
    assert upstreams and all(p == port for _a, p in upstreams)
    assert host == "0.0.0.0" or all(a == host for a, _p in upstreams)
    trusted = re.search(r"^FANGKONG_TRUSTED_PROXIES=(.*)$", settings, re.M).group(1).split(",")  # type: ignore[union-attr]
    assert trusted and all("/" not in t for t in trusted)  # exact addresses, no networks
