"""Customer-side SFTP and FTP servers of the delivery tests, on loopback, run as the calling user.

No system user, no root, no chroot(2): one virtual user with a password, confined to its folder by the server.
Started by deploy/local/test-destinations.sh (which says what each folder is for):

  servers.py keys --host-key FILE --tls-cert FILE --tls-key FILE    (creates the ones that are missing)
  servers.py sftp --port N --root DIR --home /upload --writable /upload --user U --host-key FILE
  servers.py ftp  --port N --root DIR --read-only /readonly --user U --tls-cert FILE --tls-key FILE
                  --passive-ports MIN-MAX

The password is read from TEST_SERVER_PASSWORD (not on the command line, where `ps` shows it).

SFTP is asyncssh's SFTP server: password authentication only, the SFTP subsystem only (no shell, no exec, no
forwarding), paths confined to --root, relative paths from --home, posix-rename@openssh.com, and files created with
exactly the mode the client asks for (umask 0, as the OpenSSH server the service was first tested against ran with
`internal-sftp -u 0000`). Writes are allowed only inside the --writable folders: elsewhere the client gets
SSH_FX_PERMISSION_DENIED, as from a folder of another owner.

FTP is pyftpdlib with explicit TLS required for the login and for every transfer (`AUTH TLS`, `PROT P`), passive
mode on the given ports, files created with umask 022, and the --read-only folders listable and readable only.
"""

import argparse
import asyncio
import datetime
import hmac
import ipaddress
import logging
import os
import posixpath
import sys


def password() -> str:
    value = os.environ.get("TEST_SERVER_PASSWORD")
    if not value:
        sys.exit("TEST_SERVER_PASSWORD is not set")
    return value


def same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


# --- keys -----------------------------------------------------------------------------------------------------


def make_keys(args: argparse.Namespace) -> None:
    if args.host_key and not os.path.exists(args.host_key):
        import asyncssh

        key = asyncssh.generate_private_key("ssh-ed25519", comment="cae-test-sftp")
        key.write_private_key(args.host_key)
        key.write_public_key(f"{args.host_key}.pub")
        os.chmod(args.host_key, 0o600)
    if args.tls_cert and not (os.path.exists(args.tls_cert) and os.path.exists(args.tls_key)):
        # A self-signed certificate for 127.0.0.1 (the test stack trusts it through NODE_EXTRA_CA_CERTS).
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256())
        )
        with open(args.tls_key, "wb") as out:
            out.write(
                key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
        os.chmod(args.tls_key, 0o600)
        with open(args.tls_cert, "wb") as out:
            out.write(cert.public_bytes(serialization.Encoding.PEM))


# --- SFTP -----------------------------------------------------------------------------------------------------


def serve_sftp(args: argparse.Namespace) -> None:
    import asyncssh

    expected_password = password()
    root = os.path.realpath(args.root).encode()
    home = args.home.encode()
    writable = [posixpath.join(root, w.encode().lstrip(b"/")) for w in args.writable]
    denied = asyncssh.SFTPPermissionDenied("Permission denied")

    class PasswordOnly(asyncssh.SSHServer):
        def begin_auth(self, username: str) -> bool:
            return True

        def password_auth_supported(self) -> bool:
            return True

        def kbdint_auth_supported(self) -> bool:
            return False

        def public_key_auth_supported(self) -> bool:
            return False

        def validate_password(self, username: str, given: str) -> bool:
            return same(username, args.user) and same(given, expected_password)

    class ConfinedSftp(asyncssh.SFTPServer):
        def __init__(self, chan: "asyncssh.SSHServerChannel"):
            super().__init__(chan, chroot=root)

        def map_path(self, path: bytes) -> bytes:
            if not path.startswith(b"/"):
                path = posixpath.join(home, path)
            return super().map_path(path)

        def check_writable(self, path: bytes) -> None:
            local = self.map_path(path)
            if not any(local.startswith(folder + b"/") for folder in writable):
                raise denied

        def open(self, path, pflags, attrs):
            if pflags & (asyncssh.FXF_WRITE | asyncssh.FXF_APPEND | asyncssh.FXF_CREAT | asyncssh.FXF_TRUNC):
                self.check_writable(path)
            return super().open(path, pflags, attrs)

        def setstat(self, path, attrs):
            self.check_writable(path)
            return super().setstat(path, attrs)

        def lsetstat(self, path, attrs):
            self.check_writable(path)
            return super().lsetstat(path, attrs)

        def remove(self, path):
            self.check_writable(path)
            return super().remove(path)

        def mkdir(self, path, attrs):
            self.check_writable(path)
            return super().mkdir(path, attrs)

        def rmdir(self, path):
            self.check_writable(path)
            return super().rmdir(path)

        def rename(self, oldpath, newpath):
            self.check_writable(oldpath)
            self.check_writable(newpath)
            return super().rename(oldpath, newpath)

        def posix_rename(self, oldpath, newpath):
            self.check_writable(oldpath)
            self.check_writable(newpath)
            return super().posix_rename(oldpath, newpath)

        # No links: nothing in the tests needs one, and a link is a way out of the folder.
        def symlink(self, oldpath, newpath):
            raise denied

        def link(self, oldpath, newpath):
            raise denied

    async def main() -> None:
        await asyncssh.listen(
            "127.0.0.1",
            args.port,
            server_factory=PasswordOnly,
            server_host_keys=[args.host_key],
            sftp_factory=ConfinedSftp,
            allow_scp=False,
            # The SFTP subsystem only, as `ForceCommand internal-sftp`: no shell, exec or forwarding.
            process_factory=None,
            session_factory=None,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_pty=False,
            login_timeout=30,
        )
        print(f"sftp: listening on 127.0.0.1:{args.port}, root {args.root}", flush=True)
        await asyncio.Event().wait()

    os.umask(0)
    asyncssh.set_log_level(logging.WARNING)
    asyncio.run(main())


# --- FTP ------------------------------------------------------------------------------------------------------


def serve_ftp(args: argparse.Namespace) -> None:
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import TLS_FTPHandler
    from pyftpdlib.log import config_logging
    from pyftpdlib.servers import FTPServer

    low, high = (int(p) for p in args.passive_ports.split("-"))
    root = os.path.realpath(args.root)
    authorizer = DummyAuthorizer()
    # e list, l retrieve, r read, a append, d delete, f rename, m mkdir, w write, M chmod, T mtime
    authorizer.add_user(args.user, password(), root, perm="elradfmwMT")
    for folder in args.read_only:
        authorizer.override_perm(args.user, os.path.join(root, folder.lstrip("/")), perm="elr", recursive=True)

    class Handler(TLS_FTPHandler):
        pass

    Handler.authorizer = authorizer
    Handler.certfile = args.tls_cert
    Handler.keyfile = args.tls_key
    # Nothing without TLS: every FTP delivery of the tests that succeeds went over explicit TLS.
    Handler.tls_control_required = True
    Handler.tls_data_required = True
    Handler.passive_ports = list(range(low, high + 1))
    Handler.permit_foreign_addresses = False
    Handler.auth_failed_timeout = 1
    Handler.banner = "cae test FTP server"

    config_logging(level=logging.WARNING)
    os.umask(0o022)
    server = FTPServer(("127.0.0.1", args.port), Handler)
    server.max_cons = 256
    server.max_cons_per_ip = 50
    print(f"ftp: listening on 127.0.0.1:{args.port}, root {args.root}, passive {low}-{high}", flush=True)
    server.serve_forever()


def parse(argv: list) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    keys = commands.add_parser("keys")
    keys.add_argument("--host-key")
    keys.add_argument("--tls-cert")
    keys.add_argument("--tls-key")

    sftp = commands.add_parser("sftp")
    sftp.add_argument("--port", type=int, required=True)
    sftp.add_argument("--root", required=True)
    sftp.add_argument("--home", default="/")
    sftp.add_argument("--writable", action="append", default=[])
    sftp.add_argument("--user", required=True)
    sftp.add_argument("--host-key", required=True)

    ftp = commands.add_parser("ftp")
    ftp.add_argument("--port", type=int, required=True)
    ftp.add_argument("--root", required=True)
    ftp.add_argument("--read-only", action="append", default=[])
    ftp.add_argument("--user", required=True)
    ftp.add_argument("--tls-cert", required=True)
    ftp.add_argument("--tls-key", required=True)
    ftp.add_argument("--passive-ports", required=True)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse(sys.argv[1:])
    {"keys": make_keys, "sftp": serve_sftp, "ftp": serve_ftp}[arguments.command](arguments)
