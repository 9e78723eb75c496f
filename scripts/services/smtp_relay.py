"""A small SMTP submission server for tests and the demo (scripts/services/smtp runs it).

It stands where a real MTA's submission service would (Postfix on 587 with Dovecot SASL): AUTH PLAIN or
LOGIN is required before MAIL (any user name, the one configured password), STARTTLS is offered with the
run directory's certificate (AUTH only over TLS), an implicit-TLS listener is optional, SIZE is
advertised and enforced (552), recipients whose local part is "reject" get 550, and every accepted message
is delivered through Dovecot's LMTP to each recipient. LMTP down, or refusing a recipient for a
temporary reason, answers 451 so the client learns the message was not taken.

The LMTP port is read from RUN/dovecot.env at each delivery, so a Dovecot restarted in the same run
directory (same ports) is found again.
"""

import argparse
import asyncio
import logging
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult

log = logging.getLogger("smtp_relay")

LMTP_TIMEOUT = 30


class LmtpFailure(Exception):
    def __init__(self, reply):
        super().__init__(reply)
        self.reply = reply


def env_value(path, key):
    try:
        with open(path, encoding="utf-8") as f:
            value = None
            for line in f:
                if line.startswith(key + "="):
                    value = line[len(key) + 1:].strip()
            return value
    except OSError:
        return None


async def read_reply(reader):
    """One (possibly multi-line) reply: (code, text)."""
    lines = []
    while True:
        line = await asyncio.wait_for(reader.readline(), LMTP_TIMEOUT)
        if not line:
            raise LmtpFailure("451 4.4.2 LMTP server closed the connection")
        line = line.decode("utf-8", "replace").rstrip("\r\n")
        if len(line) < 3 or not line[:3].isdigit():
            raise LmtpFailure("451 4.5.0 LMTP protocol error")
        lines.append(line[4:])
        if len(line) == 3 or line[3] != "-":
            return int(line[:3]), " / ".join(lines)


async def command(reader, writer, line):
    writer.write(line.encode("utf-8") + b"\r\n")
    await writer.drain()
    return await read_reply(reader)


def stuff(content):
    """CRLF line ends, leading dots doubled, and the terminator (RFC 5321 4.5.2)."""
    data = content.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if data and not data.endswith(b"\n"):
        data += b"\n"
    out = []
    for line in data.split(b"\n")[:-1] if data else []:
        if line.startswith(b"."):
            line = b"." + line
        out.append(line + b"\r\n")
    out.append(b".\r\n")
    return b"".join(out)


def temporary(code, text, what):
    """An LMTP refusal as this server's reply: permanent stays permanent, the rest is 451."""
    if 500 <= code < 600:
        return f"{code} {text}"
    return f"451 4.3.0 LMTP {what}: {code} {text}"


async def deliver(lmtp_port, mail_from, rcpts, content):
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", lmtp_port), LMTP_TIMEOUT)
    except (OSError, asyncio.TimeoutError) as e:
        raise LmtpFailure(f"451 4.4.1 LMTP unavailable ({e.__class__.__name__})") from e
    try:
        code, text = await read_reply(reader)
        if code != 220:
            raise LmtpFailure(temporary(code, text, "greeting"))
        code, text = await command(reader, writer, "LHLO smtp-relay.test")
        if code != 250:
            raise LmtpFailure(temporary(code, text, "LHLO"))
        code, text = await command(reader, writer, f"MAIL FROM:<{mail_from}>")
        if code != 250:
            raise LmtpFailure(temporary(code, text, "MAIL"))
        for rcpt in rcpts:
            code, text = await command(reader, writer, f"RCPT TO:<{rcpt}>")
            if code not in (250, 251):
                raise LmtpFailure(temporary(code, text, f"RCPT {rcpt}"))
        code, text = await command(reader, writer, "DATA")
        if code != 354:
            raise LmtpFailure(temporary(code, text, "DATA"))
        writer.write(stuff(content))
        await writer.drain()
        # LMTP answers once per accepted recipient (RFC 2033 4.2).
        for rcpt in rcpts:
            code, text = await read_reply(reader)
            if code != 250:
                raise LmtpFailure(temporary(code, text, f"delivery to {rcpt}"))
        try:
            await command(reader, writer, "QUIT")
        except (LmtpFailure, OSError, asyncio.TimeoutError):
            pass
    except (OSError, asyncio.TimeoutError) as e:
        raise LmtpFailure(f"451 4.4.2 LMTP connection failed ({e.__class__.__name__})") from e
    finally:
        writer.close()


class Relay:
    def __init__(self, dovecot_env, lmtp_port):
        self.dovecot_env = dovecot_env
        self.lmtp_port = lmtp_port

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.rsplit("@", 1)[0]
        if local.lower() == "reject":
            return f"550 5.1.1 <{address}>: recipient refused (test rule: local part 'reject')"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        port = self.lmtp_port or env_value(self.dovecot_env, "LMTP_PORT")
        if not port:
            return "451 4.3.0 no LMTP port known (is Dovecot running?)"
        try:
            await deliver(int(port), envelope.mail_from, envelope.rcpt_tos, envelope.original_content)
        except LmtpFailure as e:
            log.warning("delivery failed: %s", e.reply)
            return e.reply
        log.info("delivered from=<%s> to=%s bytes=%d", envelope.mail_from,
                 ",".join(envelope.rcpt_tos), len(envelope.original_content))
        return "250 2.0.0 OK delivered"


def authenticator(password):
    expected = password.encode("utf-8")

    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.password == expected
        log.info("AUTH %s user=%r %s", mechanism, auth_data.login, "ok" if ok else "refused")
        # handled=False: aiosmtpd then answers 535 itself (handled=True would leave the client waiting).
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    return check


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True, help="submission port (STARTTLS when --cert)")
    p.add_argument("--smtps-port", type=int, default=0, help="implicit-TLS port (needs --cert); 0: none")
    p.add_argument("--password", default="secret")
    p.add_argument("--size-limit", type=int, default=10 * 1024 * 1024)
    p.add_argument("--cert", default="")
    p.add_argument("--key", default="")
    p.add_argument("--dovecot-env", default="", help="RUN/dovecot.env, read for LMTP_PORT per delivery")
    p.add_argument("--lmtp-port", type=int, default=0, help="fixed LMTP port (overrides --dovecot-env)")
    p.add_argument("--allow-plain-auth", action="store_true", help="offer AUTH without TLS too")
    args = p.parse_args()

    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # aiosmtpd logs every command line, AUTH responses included (base64 passwords): keep it quiet.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    # The implicit-TLS listener needs no STARTTLS before AUTH; aiosmtpd cannot tell and warns.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")

    tls = None
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)

    handler = Relay(args.dovecot_env, args.lmtp_port)
    auth = authenticator(args.password)

    def factory(implicit_tls):
        def make():
            return SMTP(handler, data_size_limit=args.size_limit, hostname="smtp-relay.test",
                        tls_context=None if implicit_tls else tls,
                        auth_required=True,
                        # Over the implicit-TLS listener the channel is already encrypted.
                        auth_require_tls=not (implicit_tls or args.allow_plain_auth),
                        authenticator=auth, timeout=60)
        return make

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    servers = [loop.run_until_complete(loop.create_server(factory(False), "127.0.0.1", args.port))]
    if args.smtps_port:
        if tls is None:
            p.error("--smtps-port needs --cert")
        servers.append(loop.run_until_complete(
            loop.create_server(factory(True), "127.0.0.1", args.smtps_port, ssl=tls)))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("listening on 127.0.0.1:%d%s, size limit %d", args.port,
             f" and implicit TLS on {args.smtps_port}" if args.smtps_port else "", args.size_limit)
    loop.run_until_complete(stop.wait())
    for s in servers:
        s.close()
    loop.close()


if __name__ == "__main__":
    main()
