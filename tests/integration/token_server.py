#!/usr/bin/env python3
"""The bearer-token endpoint of a LocalRegistry (tests/integration/local_registry.h).

Distribution's token auth sends clients here (GET /token?service=...&scope=...). The answer
is a JWT signed RS256 with `openssl dgst -sha256 -sign KEY`, its header carrying the signing
certificate (x5c), which the registry checks against its rootcertbundle. Anonymous clients
get pull access (none in --private mode: a 401); valid Basic credentials get pull and push;
wrong ones a 401. Each request is one JSON line in --log, saying whether Authorization was
sent and never what it held.

--slow-proxy-upstream-file FILE also opens a second port that forwards to the registry and holds
the first blob request back for --slow-proxy-delay seconds: with a short --lifetime, the
client's token expires while that request waits, whatever the machine's speed.

Standard library only, plus the openssl CLI; the parent kills it by pid.
"""
import argparse
import base64
import http.client
import http.server
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse

# Distribution accepts a token for this long past its exp (token.Leeway, 60 s in 2.8); a
# --lifetime of N seconds means N seconds the registry honours, so exp is pulled back by it.
REGISTRY_LEEWAY = 60


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Issuer:
    def __init__(self, args):
        self.args = args
        with open(args.cert) as pem:
            body = pem.read().split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
        self.x5c = "".join(body.split())  # the PEM body is the DER, base64
        self.credentials = None
        if args.credentials_file:
            with open(args.credentials_file) as f:
                user, _, password = f.read().rstrip("\n").partition(":")
                self.credentials = (user, password)
        self.lock = threading.Lock()
        self.issued = 0

    def sign(self, claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.args.key], input=signing_input.encode(),
                                   capture_output=True, check=True).stdout
        return signing_input + "." + b64url(signature)

    def user_of(self, authorization):
        """(user, ok): who the Basic credentials name and whether they are right."""
        if not authorization:
            return None, True
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "basic" or not self.credentials:
            return None, False
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except ValueError:
            return None, False
        return user, (user, password) == self.credentials

    def access(self, scopes, user):
        allowed = {"pull", "push"} if user else {"pull"}
        granted = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            if kind != "repository" or not name:
                continue
            wanted = [action for action in actions.split(",") if action in allowed]
            granted.append({"type": "repository", "name": name, "actions": wanted})
        return granted

    def token(self, scopes, user):
        now = int(time.time())
        lifetime = self.args.lifetime
        claims = {"iss": self.args.issuer, "sub": user or "", "aud": self.args.service,
                  "exp": now + lifetime - (REGISTRY_LEEWAY if self.args.lifetime_within_leeway else 0),
                  "nbf": now - 1, "iat": now, "jti": secrets.token_hex(16), "access": self.access(scopes, user)}
        return self.sign(claims), claims


LOG_LOCK = threading.Lock()


def record(path, entry):
    with LOG_LOCK, open(path, "a") as log:
        log.write(json.dumps(entry) + "\n")


class TokenHandler(http.server.BaseHTTPRequestHandler):
    issuer = None

    def log_message(self, format, *args):  # noqa: A002: the base class's name
        pass  # requests go to --log as JSON instead

    def answer(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        authorization = self.headers.get("Authorization")
        entry = {"server": "token", "path": self.path, "authorization": authorization is not None,
                 "scopes": [s for value in query.get("scope", []) for s in value.split(" ") if s], "time": time.time()}
        user, valid = self.issuer.user_of(authorization)
        challenge = [("WWW-Authenticate", 'Basic realm="isobench-test-token"')]
        if url.path != "/token":
            status, body, headers = 404, {"errors": [{"code": "NOT_FOUND"}]}, []
        elif not valid:
            status, body, headers = 401, {"details": "wrong username or password"}, challenge
        elif user is None and self.issuer.args.private:
            status, body, headers = 401, {"details": "authentication required"}, challenge
        else:
            token, claims = self.issuer.token(entry["scopes"], user)
            status, headers = 200, []
            body = {"token": token, "access_token": token, "expires_in": self.issuer.args.lifetime,
                    "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(claims["iat"]))}
            entry.update({"user": user, "access": claims["access"], "exp": claims["exp"]})
        entry["status"] = status
        record(self.issuer.args.log, entry)
        self.answer(status, body, headers)


class SlowProxyHandler(http.server.BaseHTTPRequestHandler):
    """Forwards to the registry; holds the first blob request back (see the module's note)."""
    protocol_version = "HTTP/1.1"
    upstream_file = ""
    delay = 0.0
    log = ""
    held = threading.Event()

    def log_message(self, format, *args):  # noqa: A002
        pass

    def forward(self):
        held_back = False
        if "/blobs/" in self.path and not SlowProxyHandler.held.is_set():
            SlowProxyHandler.held.set()
            held_back = True
            time.sleep(self.delay)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        with open(self.upstream_file) as port:
            upstream = int(port.read())
        connection = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in ("host", "connection")}
        connection.request(self.command, self.path, body=body, headers=headers)
        reply = connection.getresponse()
        data = reply.read()
        record(self.log, {"server": "proxy", "path": self.path, "method": self.command,
                                   "authorization": "Authorization" in self.headers, "held_back": held_back,
                                   "status": reply.status, "time": time.time()})
        self.send_response(reply.status)
        # A HEAD's Content-Length is the GET's, not that of the empty body it came with.
        dropped = ("connection", "transfer-encoding") + (() if self.command == "HEAD" else ("content-length",))
        for name, value in reply.getheaders():
            if name.lower() not in dropped:
                self.send_header(name, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward


def serve(handler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", required=True, help="the RSA key that signs tokens (PEM)")
    parser.add_argument("--cert", required=True, help="its self-signed certificate: the registry's rootcertbundle")
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--service", required=True)
    parser.add_argument("--credentials-file", help="one line USER:PASSWORD that gets pull and push")
    parser.add_argument("--private", action="store_true", help="anonymous requests get a 401, not a pull token")
    parser.add_argument("--lifetime", type=int, default=300, help="seconds a token is valid (expires_in)")
    parser.add_argument("--lifetime-within-leeway", action="store_true",
                        help="subtract the registry's 60 s leeway from exp, so --lifetime is what the registry honours")
    parser.add_argument("--slow-proxy-upstream-file", help="opens the slow proxy; the file names the registry's port"
                        " (read at each request: the registry starts after this server)")
    parser.add_argument("--slow-proxy-delay", type=float, default=0.0)
    parser.add_argument("--log", required=True, help="one JSON line per request")
    parser.add_argument("--port-file", required=True, help="gets 'TOKEN_PORT [PROXY_PORT]' once listening")
    args = parser.parse_args()

    TokenHandler.issuer = Issuer(args)
    ports = [serve(TokenHandler)]
    if args.slow_proxy_upstream_file:
        SlowProxyHandler.upstream_file = args.slow_proxy_upstream_file
        SlowProxyHandler.delay = args.slow_proxy_delay
        SlowProxyHandler.log = args.log
        ports.append(serve(SlowProxyHandler))
    # Written whole, then renamed: the fixture never reads half a line.
    with open(args.port_file + ".tmp", "w") as port_file:
        port_file.write(" ".join(str(port) for port in ports) + "\n")
    os.rename(args.port_file + ".tmp", args.port_file)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
