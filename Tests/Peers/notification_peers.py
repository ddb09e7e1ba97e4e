"""Real receivers for Clearway's notification tests, on loopback.

- An SMTP server (aiosmtpd) offering STARTTLS with a self-signed certificate and AUTH
  PLAIN/LOGIN (only after STARTTLS), keeping every mail it accepts.
- An HTTP receiver for Slack and Microsoft Teams incoming webhooks that checks each
  payload against the service's documented shape and answers as the service does
  (Slack: 200 "ok" or 400 "invalid_blocks"/"no_text"; Teams: 200 "1" or 400).
- GET /received returns everything received as JSON; POST /reset clears it; POST
  /control {"smtpTempFail": N} makes the next N mails fail with 451.

Usage: python notification_peers.py --dir DIR   (writes DIR/peers.env with the ports)
"""
import argparse
import email
import email.policy
import json
import os
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "clearway", "clearway-test-password"
state = {"mails": [], "slack": [], "teams": [], "smtp_temp_fail": 0}
lock = threading.Lock()


class MailKeeper:
    async def handle_DATA(self, server, session, envelope):
        with lock:
            if state["smtp_temp_fail"] > 0:
                state["smtp_temp_fail"] -= 1
                return "451 4.3.0 try again later"
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        with lock:
            state["mails"].append({
                "from": envelope.mail_from, "to": list(envelope.rcpt_tos), "subject": str(msg["subject"]),
                "messageId": str(msg["message-id"]), "text": text.get_content() if text else None,
                "html": html.get_content() if html else None, "tls": session.ssl is not None,
                "authenticated": bool(session.authenticated),
            })
        return "250 2.0.0 kept"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok)


def slack_problem(body):
    if not isinstance(body, dict):
        return "invalid_payload"
    if not isinstance(body.get("text"), str) or not body["text"]:
        return "no_text"
    blocks = body.get("blocks", [])
    if not isinstance(blocks, list) or len(blocks) > 50:
        return "invalid_blocks"
    for b in blocks:
        kind = b.get("type")
        if kind == "header":
            t = b.get("text", {})
            if t.get("type") != "plain_text" or not 0 < len(t.get("text", "")) <= 150:
                return "invalid_blocks"
        elif kind == "section":
            t = b.get("text", {})
            if t.get("type") not in ("mrkdwn", "plain_text") or not 0 < len(t.get("text", "")) <= 3000:
                return "invalid_blocks"
        elif kind == "context":
            els = b.get("elements", [])
            if not els or len(els) > 10 or any(e.get("type") not in ("mrkdwn", "plain_text", "image") for e in els):
                return "invalid_blocks"
        else:
            return "invalid_blocks"
    return None


def teams_problem(body):
    if not isinstance(body, dict) or body.get("type") != "message":
        return "type must be message"
    atts = body.get("attachments")
    if not isinstance(atts, list) or len(atts) != 1:
        return "one attachment expected"
    att = atts[0]
    if att.get("contentType") != "application/vnd.microsoft.card.adaptive":
        return "contentType must be application/vnd.microsoft.card.adaptive"
    card = att.get("content", {})
    if card.get("type") != "AdaptiveCard" or not isinstance(card.get("version"), str) or not card.get("$schema"):
        return "content must be an AdaptiveCard with version and $schema"
    if not isinstance(card.get("body"), list) or not card["body"]:
        return "card body must be a non-empty list"
    for el in card["body"]:
        if el.get("type") != "TextBlock" or not isinstance(el.get("text"), str):
            return "unexpected body element"
    for act in card.get("actions", []):
        if act.get("type") != "Action.OpenUrl" or not str(act.get("url", "")).startswith(("http://", "https://")):
            return "actions must be Action.OpenUrl with a URL"
    if len(json.dumps(body)) > 28 * 1024:
        return "payload over 28 KB"
    return None


class Receiver(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, text, kind="text/plain"):
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/received":
            with lock:
                return self.answer(200, json.dumps(state), "application/json")
        self.answer(404, "not found")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.path == "/reset":
            with lock:
                state.update({"mails": [], "slack": [], "teams": [], "smtp_temp_fail": 0})
            return self.answer(200, "reset")
        if self.path == "/control":
            with lock:
                state["smtp_temp_fail"] = int(json.loads(raw).get("smtpTempFail", 0))
            return self.answer(200, "ok")
        try:
            body = json.loads(raw)
        except ValueError:
            return self.answer(400, "invalid_payload")
        if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
            return self.answer(400, "invalid_content_type")
        if self.path.startswith("/slack/"):
            problem = slack_problem(body)
            if problem:
                return self.answer(400, problem)
            with lock:
                state["slack"].append({"hook": self.path, "body": body})
            return self.answer(200, "ok")
        if self.path.startswith("/teams/"):
            problem = teams_problem(body)
            if problem:
                return self.answer(400, problem)
            with lock:
                state["teams"].append({"hook": self.path, "body": body})
            return self.answer(200, "1")
        self.answer(404, "no such hook")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    cert, key = os.path.join(args.dir, "smtp-cert.pem"), os.path.join(args.dir, "smtp-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    import ssl
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    import socket
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    smtp_port = probe.getsockname()[1]
    probe.close()
    controller = Controller(MailKeeper(), hostname="127.0.0.1", port=smtp_port, tls_context=context, require_starttls=False,
                            authenticator=authenticator, auth_require_tls=True, auth_required=False)
    controller.start()
    http = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    with open(os.path.join(args.dir, "peers.env"), "w") as f:
        f.write(f"CLEARWAY_TEST_SMTP=127.0.0.1:{smtp_port}\n")
        f.write(f"CLEARWAY_TEST_SMTP_CA={cert}\n")
        f.write(f"CLEARWAY_TEST_SMTP_USER={USER}\nCLEARWAY_TEST_SMTP_PASSWORD={PASSWORD}\n")
        f.write(f"CLEARWAY_TEST_NOTIFY_RECEIVER=http://127.0.0.1:{http.server_address[1]}\n")
    print(f"smtp 127.0.0.1:{smtp_port} receiver http://127.0.0.1:{http.server_address[1]}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
