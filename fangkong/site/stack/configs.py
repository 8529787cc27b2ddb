"""The configuration files `fangkong stack up` writes into its directory: nginx, PgBouncer, PostgreSQL's additions.

The production counterparts are in deploy/ (nginx site, systemd units); what differs here is only where things
live (one directory, loopback ports) — the proxy's rules are the same: see docs/deployment.md.
"""

from __future__ import annotations

import os
from pathlib import Path

NGINX = """\
# Written by `fangkong stack up`; rewritten at every start (edit deploy/nginx/fangkong.conf for a real server).
{user}worker_processes 2;
pid {run}/nginx.pid;
error_log {log}/nginx-error.log warn;
events {{ worker_connections 4096; }}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {log}/nginx-access.log combined buffer=64k flush=5s;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server_tokens off;

    # Uploads: the platform refuses files past its own limits; this refuses them before they are read.
    client_max_body_size 60m;
    gzip on;
    gzip_min_length 1024;
    gzip_types application/json text/css application/javascript image/svg+xml text/plain;

    upstream fangkong {{
{servers}
        keepalive 64;
    }}

    server {{
        listen {listen};
        server_name _;

        location /static/ {{
            alias {static}/;
            expires 7d;
            access_log off;
        }}

        location / {{
            proxy_pass http://fangkong;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            # The client's address as this proxy saw it, replacing whatever the client sent: the app believes
            # X-Forwarded-For only from its trusted proxies (FANGKONG_TRUSTED_PROXIES).
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_send_timeout 60s;
            proxy_read_timeout 120s;
            # A node that refuses the connection or fails before the request was sent: the next node takes it.
            # nginx never resends a POST that reached a node (a write is acknowledged once, by whoever wrote it);
            # the client resends with its Idempotency-Key.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
        }}

        # The command hall's server-sent events: unbuffered, held open past the 15-second heartbeat.
        location = /hall/stream {{
            proxy_pass http://fangkong;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""

PGBOUNCER = """\
; Written by `fangkong stack up`.
[databases]
fangkong = host=127.0.0.1 port={pg_port} dbname=fangkong
; Any other database of the stack's cluster by its own name (bench/cluster.py's pgbench through the pooler).
* = host=127.0.0.1 port={pg_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {dir}/userlist.txt
; A server connection is the client's for one transaction: the app's connections (FANGKONG_PGBOUNCER=1) prepare
; nothing and hold no cursor across transactions.
pool_mode = transaction
max_client_conn = 2000
default_pool_size = {pool}
reserve_pool_size = 5
server_lifetime = 3600
ignore_startup_parameters = extra_float_digits
logfile = {log}/pgbouncer.log
pidfile = {run}/pgbouncer.pid
"""

# Appended to the stack's postgresql.conf: loopback only, enough connections for PgBouncer's pools, the workers'
# direct connections and a streaming replica.
POSTGRESQL = """
# fangkong stack
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket}'
max_connections = 200
shared_buffers = 256MB
wal_level = replica
max_wal_senders = 5
jit = off
"""


def write(path: Path, text: str, mode: int = 0o644) -> Path:
    """A file with `mode` from its first byte (a secret is never readable by others, not even for a moment)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        os.fchmod(fd, mode)  # an existing file keeps its old mode through O_CREAT
        f.write(text)
    return path
