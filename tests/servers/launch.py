"""Start (or reuse) real Redis, PostgreSQL, Elasticsearch 8.x and MinIO on loopback for the tests.

Public API
----------
``ensure_redis()``, ``ensure_postgres()``, ``ensure_elasticsearch()``, ``ensure_minio()``
    Each returns the server's URL. If something already answers on the server's port with
    the right protocol it is reused; otherwise the server is started *detached* (it
    outlives the calling process; pid file + logs under the state dir), waited for, and
    on failure :class:`ServerUnavailable` is raised with the tail of its log.
``ensure_all()``
    All four; returns ``{"SOHOA_TEST_REDIS_URL": ..., "SOHOA_TEST_DATABASE_URL": ...,
    "SOHOA_TEST_ES_URL": ..., "SOHOA_TEST_S3_URL": ...}``. Raises on the first failure.
``pytest_env_or_fail(names)``
    For conftest.py; see its docstring for the exact CI / non-CI contract.

CLI: ``python -m tests.servers.launch up|status|down [names...]`` (or tests/servers/servers.sh).
``up`` prints ``export NAME=value`` lines on stdout (progress on stderr), so
``eval "$(python -m tests.servers.launch up)"`` works; it exits 1 if any server failed.

State/cache: ``${SOHOA_CACHE:-$HOME/.cache/sohoa}/servers/<name>/`` (data, logs, pid files,
the unpacked Elasticsearch, the MinIO binary). The Elasticsearch zip lives in ~/.m2 (Maven),
Go's module/build caches where Go keeps them. Only the first run on a machine downloads/builds.

When run as root, PostgreSQL and Elasticsearch (which both refuse to run as root) run as the
system user ``$SOHOA_SERVICE_USER`` (default ``sohoa-test``, created with useradd if missing),
and the ancestors of the state dir get the world "search" bit (chmod o+x, no read) so that
user can reach its data dirs (e.g. /root is 0700 by default).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

# --------------------------------------------------------------------------------------
# Pinned versions, ports, credentials
# --------------------------------------------------------------------------------------

#: Elasticsearch: the Maven Central distribution of the real server (see README for why
#: not org.codelibs:elasticsearch-cluster-runner: its 8.x line is not on Maven Central).
ES_VERSION = "8.19.21"
ES_ARTIFACT = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{ES_VERSION}:zip"
ES_HEAP = os.environ.get("SOHOA_TEST_ES_HEAP", "768m")

#: MinIO: github.com/minio/minio has no semver tags (RELEASE.* tags are not resolvable via
#: the module proxy), so we pin the pseudo-version of master at 2026-02-12 (commit 7aac2a2c5b7c).
MINIO_MODULE = "github.com/minio/minio"
MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(f"SOHOA_TEST_{name}_PORT", default))


REDIS_PORT = _port("REDIS", 16379)
PG_PORT = _port("PG", 15432)
ES_PORT = _port("ES", 19200)
ES_TRANSPORT_PORT = _port("ES_TRANSPORT", 19300)
MINIO_PORT = _port("MINIO", 19000)
MINIO_CONSOLE_PORT = _port("MINIO_CONSOLE", 19001)

HOST = "127.0.0.1"

PG_SUPERUSER = "postgres"
PG_SUPERPASS = "sohoa-admin"
PG_USER = "sohoa"
PG_PASSWORD = "sohoa"
PG_DB = "sohoa_test"

MINIO_ACCESS_KEY = "sohoatest"
MINIO_SECRET_KEY = "sohoatest-secret"
MINIO_BUCKET = "sohoa-test"

SERVICE_USER = os.environ.get("SOHOA_SERVICE_USER", "sohoa-test")

TIMEOUTS = {"redis": 20.0, "postgres": 90.0, "elasticsearch": 240.0, "minio": 90.0}
MINIO_BUILD_TIMEOUT = 1800.0
ES_DOWNLOAD_TIMEOUT = 900.0

ENV_NAMES = {
    "redis": "SOHOA_TEST_REDIS_URL",
    "postgres": "SOHOA_TEST_DATABASE_URL",
    "elasticsearch": "SOHOA_TEST_ES_URL",
    "minio": "SOHOA_TEST_S3_URL",
}
ALIASES = {
    "redis": "redis",
    "postgres": "postgres",
    "postgresql": "postgres",
    "pg": "postgres",
    "database": "postgres",
    "db": "postgres",
    "elasticsearch": "elasticsearch",
    "es": "elasticsearch",
    "minio": "minio",
    "s3": "minio",
}
ORDER = ["redis", "postgres", "elasticsearch", "minio"]

REDIS_URL = f"redis://{HOST}:{REDIS_PORT}/0"
DATABASE_URL = f"postgresql+psycopg://{PG_USER}:{PG_PASSWORD}@{HOST}:{PG_PORT}/{PG_DB}"
ES_URL = f"http://{HOST}:{ES_PORT}"
S3_URL = f"s3://{MINIO_ACCESS_KEY}:{MINIO_SECRET_KEY}@{HOST}:{MINIO_PORT}/{MINIO_BUCKET}?secure=false"


class ServerUnavailable(RuntimeError):
    """A test server could not be reused or started. ``reason`` includes a log tail."""

    def __init__(self, name: str, reason: str):
        self.name = name
        self.reason = reason
        super().__init__(f"{name}: {reason}")


# --------------------------------------------------------------------------------------
# Paths, users, small helpers
# --------------------------------------------------------------------------------------


def cache_root() -> Path:
    return Path(os.environ.get("SOHOA_CACHE") or Path.home() / ".cache" / "sohoa")


def state_dir(name: str | None = None) -> Path:
    d = cache_root() / "servers"
    if name:
        d = d / name
    d.mkdir(parents=True, exist_ok=True)
    return d


def _log(msg: str) -> None:
    print(f"[test-servers] {msg}", file=sys.stderr, flush=True)


def _is_root() -> bool:
    return os.geteuid() == 0


def _service_user() -> pwd.struct_passwd | None:
    """The unprivileged user that runs PostgreSQL/Elasticsearch when we are root (else None)."""
    if not _is_root():
        return None
    try:
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    r = subprocess.run(
        [
            useradd,
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            SERVICE_USER,
        ],
        capture_output=True,
        text=True,
    )
    if r.returncode not in (0, 9):  # 9: already exists (race)
        raise RuntimeError(f"useradd {SERVICE_USER} failed: {r.stderr.strip()}")
    return pwd.getpwnam(SERVICE_USER)


def _as_service(cmd: list[str]) -> list[str]:
    user = _service_user()
    if user is None:
        return cmd
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", user.pw_name, "--", *cmd]


def _give_to_service(*paths: Path) -> None:
    """chown -R to the service user (root only) and make the state dir reachable for it."""
    user = _service_user()
    if user is None:
        return
    _ensure_traversable(state_dir())
    for p in paths:
        p.mkdir(parents=True, exist_ok=True)
        for root, dirs, files in os.walk(p):
            os.lchown(root, user.pw_uid, user.pw_gid)
            for f in dirs + files:
                os.lchown(os.path.join(root, f), user.pw_uid, user.pw_gid)


def _ensure_traversable(path: Path) -> None:
    """Give 'others' the search (x) bit on path and its ancestors, so the service user can reach it."""
    p = path.resolve()
    for d in [p, *p.parents]:
        try:
            mode = d.stat().st_mode
        except OSError:
            continue
        if not mode & stat.S_IXOTH:
            _log(f"chmod o+x {d} (so {SERVICE_USER} can reach {path})")
            os.chmod(d, stat.S_IMODE(mode) | stat.S_IXOTH)


@contextlib.contextmanager
def _lock(name: str) -> Iterator[None]:
    """Inter-process lock, so parallel pytest workers don't start the same server twice."""
    with open(state_dir() / f".{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        data = path.read_bytes()[-16000:].decode("utf-8", "replace").splitlines()
    except OSError:
        return f"(no log at {path})"
    return f"--- last lines of {path} ---\n" + "\n".join(data[-lines:])


def _wait(
    name: str, check: Callable[[], bool], timeout: float, log: Path, alive: Callable[[], bool] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - anything means "not ready yet"
            pass
        if alive is not None and not alive():
            raise ServerUnavailable(name, f"process exited during startup\n{_tail(log)}")
        time.sleep(0.25)
    raise ServerUnavailable(name, f"not ready after {timeout:.0f}s\n{_tail(log)}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours counts as dead
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _spawn_detached(
    cmd: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen:
    """Start cmd in its own session (survives pytest and Ctrl-C), stdout/stderr appended to log."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        return subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )


def _run_logged(
    name: str, cmd: list[str], log: Path, timeout: float, env: dict[str, str] | None = None, cwd: Path | None = None
) -> None:
    """Run a (setup) command to completion, output appended to log; raise ServerUnavailable on failure."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        try:
            r = subprocess.run(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=cwd,
                timeout=timeout,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            raise ServerUnavailable(name, f"{cmd[0]} timed out after {timeout:.0f}s\n{_tail(log)}") from None
        except OSError as e:
            raise ServerUnavailable(name, f"cannot run {cmd[0]}: {e}") from None
    if r.returncode != 0:
        raise ServerUnavailable(name, f"`{' '.join(cmd)}` exited {r.returncode}\n{_tail(log)}")


def _connect(port: int, timeout: float = 1.0) -> socket.socket | None:
    try:
        return socket.create_connection((HOST, port), timeout=timeout)
    except OSError:
        return None


def _http(port: int, path: str, method: str = "GET", timeout: float = 3.0) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(f"http://{HOST}:{port}{path}", method=method)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with opener.open(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def _refuse_if_ours_elsewhere(name: str, port: int) -> None:
    """Nothing answers on `port`, but a server we started from this state dir is alive: don't start a
    second one on the same data dir (it would fail, and could clobber the first one's pid file)."""
    pid = _our_pid(name)
    if pid is not None:
        raise ServerUnavailable(
            name,
            f"a {name} started from {state_dir(name)} is running (pid {pid}) but does not answer on port {port} "
            "(port settings changed, or it is wedged); stop it with `python -m tests.servers.launch down "
            f"{name}` and retry",
        )


# --------------------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------------------


def _probe_redis(port: int) -> bool | None:
    """True: Redis answers; False: port taken by something else; None: nothing listens."""
    s = _connect(port)
    if s is None:
        return None
    with s:
        try:
            s.sendall(b"PING\r\n")
            data = s.recv(64)
        except OSError:
            return False
    return data.startswith(b"+PONG")


def ensure_redis() -> str:
    name = "redis"
    with _lock(name):
        st = _probe_redis(REDIS_PORT)
        if st:
            return REDIS_URL
        if st is False:
            raise ServerUnavailable(name, f"port {REDIS_PORT} is in use by something that is not Redis")
        _refuse_if_ours_elsewhere(name, REDIS_PORT)
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not os.path.exists(exe):
            raise ServerUnavailable(name, "redis-server not found (apt-get install redis-server)")
        d = state_dir(name)
        data, logs = d / "data", d / "logs"
        data.mkdir(exist_ok=True)
        logs.mkdir(exist_ok=True)
        log = logs / "redis.log"
        t0 = time.monotonic()
        _run_logged(
            name,
            [
                exe,
                "--port",
                str(REDIS_PORT),
                "--bind",
                HOST,
                "--daemonize",
                "yes",
                "--dir",
                str(data),
                "--save",
                "",
                "--appendonly",
                "no",
                "--pidfile",
                str(d / "redis.pid"),
                "--logfile",
                str(log),
            ],
            logs / "start.log",
            timeout=30,
        )
        _wait(name, lambda: bool(_probe_redis(REDIS_PORT)), TIMEOUTS[name], log)
        _log(f"redis started on {REDIS_PORT} in {time.monotonic() - t0:.1f}s")
        return REDIS_URL


# --------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------


def _probe_postgres(port: int) -> bool | None:
    s = _connect(port)
    if s is None:
        return None
    with s:
        try:
            s.sendall(struct.pack("!ii", 8, 80877103))  # SSLRequest
            data = s.recv(1)
        except OSError:
            return False
    return data in (b"N", b"S")


def _pg_bindir() -> Path | None:
    env = os.environ.get("SOHOA_PG_BINDIR")
    if env:
        return Path(env)
    cands = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if cands:
        return cands[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _pg_connect(user: str, password: str, dbname: str):
    import psycopg

    return psycopg.connect(
        host=HOST, port=PG_PORT, user=user, password=password, dbname=dbname, connect_timeout=5, autocommit=True
    )


def _pg_provision() -> None:
    """Create role + database (idempotent) using the superuser of a cluster we initialised."""
    import psycopg
    from psycopg import sql

    with _pg_connect(PG_SUPERUSER, PG_SUPERPASS, "postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (PG_USER,)).fetchone():
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                    sql.Identifier(PG_USER), sql.Literal(PG_PASSWORD)
                )
            )
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DB,)).fetchone():
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                        sql.Identifier(PG_DB), sql.Identifier(PG_USER)
                    )
                )
            except psycopg.errors.DuplicateDatabase:
                pass


def _pg_check_app_login() -> None:
    with _pg_connect(PG_USER, PG_PASSWORD, PG_DB) as conn:
        conn.execute("SELECT 1")


def ensure_postgres() -> str:
    name = "postgres"
    with _lock(name):
        st = _probe_postgres(PG_PORT)
        if st:
            try:
                _pg_check_app_login()
                return DATABASE_URL
            except Exception:  # noqa: BLE001
                pass
            try:  # maybe ours but the database was dropped
                _pg_provision()
                _pg_check_app_login()
                return DATABASE_URL
            except Exception as e:  # noqa: BLE001
                raise ServerUnavailable(
                    name, f"a PostgreSQL on port {PG_PORT} rejects the test credentials: {e}"
                ) from None
        if st is False:
            raise ServerUnavailable(name, f"port {PG_PORT} is in use by something that is not PostgreSQL")
        _refuse_if_ours_elsewhere(name, PG_PORT)

        bindir = _pg_bindir()
        if bindir is None or not (bindir / "initdb").exists():
            raise ServerUnavailable(name, "PostgreSQL server binaries not found (apt-get install postgresql)")
        major = bindir.parent.name if bindir.parent.name.isdigit() else "pg"
        d = state_dir(name) / major
        data, logs = d / "data", d / "logs"
        d.mkdir(parents=True, exist_ok=True)
        logs.mkdir(exist_ok=True)
        log = logs / "postgres.log"
        setup_log = logs / "setup.log"
        t0 = time.monotonic()
        _give_to_service(d)

        if not (data / "PG_VERSION").exists():
            if data.exists():
                shutil.rmtree(data)
            pwfile = d / "superuser.pw"
            pwfile.write_text(PG_SUPERPASS + "\n")
            _give_to_service(d)
            try:
                _run_logged(
                    name,
                    _as_service(
                        [
                            str(bindir / "initdb"),
                            "-D",
                            str(data),
                            "-U",
                            PG_SUPERUSER,
                            f"--pwfile={pwfile}",
                            "--auth-local=trust",
                            "--auth-host=scram-sha-256",
                            "-E",
                            "UTF8",
                            "--locale=C.UTF-8",
                        ]
                    ),
                    setup_log,
                    timeout=120,
                )
            finally:
                pwfile.unlink(missing_ok=True)
            with open(data / "postgresql.conf", "a") as fh:
                fh.write(
                    "\n# --- sohoa test server ---\n"
                    f"listen_addresses = '{HOST}'\n"
                    "unix_socket_directories = ''\n"
                    "max_connections = 200\nshared_buffers = 128MB\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                    "log_min_messages = warning\n"
                )
            _give_to_service(d)
            _log(f"postgres: initdb done in {time.monotonic() - t0:.1f}s")

        _run_logged(
            name,
            _as_service(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    str(int(TIMEOUTS[name])),
                    "-o",
                    f"-p {PG_PORT}",
                    "start",
                ]
            ),
            setup_log,
            timeout=TIMEOUTS[name] + 10,
        )
        pid = _read_pid(data / "postmaster.pid")
        if pid:
            (d / "postgres.pid").write_text(f"{pid}\n")
        _wait(name, lambda: bool(_probe_postgres(PG_PORT)), TIMEOUTS[name], log)
        try:
            _pg_provision()
            _pg_check_app_login()
        except Exception as e:  # noqa: BLE001
            raise ServerUnavailable(name, f"started, but creating role/database failed: {e}\n{_tail(log)}") from None
        _log(f"postgres started on {PG_PORT} in {time.monotonic() - t0:.1f}s")
        return DATABASE_URL


# --------------------------------------------------------------------------------------
# Elasticsearch
# --------------------------------------------------------------------------------------

ES_SHIM_SRC = (
    Path(__file__).parent / "elasticsearch" / "src" / "org" / "sohoa" / "testshim" / "SohoaTestShimPlugin.java"
)
ES_SHIM_NAME = "sohoa-test-shim"


def _probe_es(port: int) -> bool | None:
    s = _connect(port)
    if s is None:
        return None
    s.close()
    try:
        status, headers, _ = _http(port, "/_cluster/health")
    except Exception:  # noqa: BLE001
        return False
    return headers.get("x-elastic-product") == "Elasticsearch" and status in (200, 408, 503)


def _es_ready(port: int) -> bool:
    status, headers, body = _http(port, "/_cluster/health?wait_for_status=yellow&timeout=2s", timeout=5)
    if status != 200 or headers.get("x-elastic-product") != "Elasticsearch":
        return False
    status, _, _ = _http(port, "/", method="GET")
    return status == 200


def _java_home() -> Path | None:
    for var in ("ES_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(var) and (Path(os.environ[var]) / "bin" / "java").exists():
            return Path(os.environ[var])
    java = shutil.which("java")
    if java:
        return Path(os.path.realpath(java)).parent.parent
    return None


def _m2_repo() -> Path:
    return Path(os.environ.get("SOHOA_M2_REPO") or Path.home() / ".m2" / "repository")


def _es_zip(log: Path) -> Path:
    g, a, v, ext = ES_ARTIFACT.split(":")
    path = _m2_repo() / g.replace(".", "/") / a / v / f"{a}-{v}.{ext}"
    if path.exists():
        return path
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServerUnavailable("elasticsearch", "mvn not found (apt-get install maven)")
    t0 = time.monotonic()
    _run_logged(
        "elasticsearch",
        [mvn, "-B", "-q", "dependency:get", f"-Dartifact={ES_ARTIFACT}", "-Dtransitive=false"],
        log,
        timeout=ES_DOWNLOAD_TIMEOUT,
    )
    if not path.exists():
        raise ServerUnavailable(
            "elasticsearch",
            f"mvn finished but {path} is missing (custom localRepository? set SOHOA_M2_REPO)\n{_tail(log)}",
        )
    _log(f"elasticsearch: downloaded {ES_ARTIFACT} in {time.monotonic() - t0:.1f}s")
    return path


def _extract_zip(zpath: Path, dest_parent: Path, top: str) -> Path:
    final = dest_parent / top
    if (final / ".complete").exists():
        return final
    tmp = dest_parent / f".{top}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with zipfile.ZipFile(zpath) as zf:
        for info in zf.infolist():
            target = tmp / info.filename
            zf.extract(info, tmp)
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                os.chmod(target, mode | 0o444)
    src = tmp / top
    shutil.rmtree(final, ignore_errors=True)
    src.rename(final)
    shutil.rmtree(tmp, ignore_errors=True)
    (final / ".complete").write_text(ES_ARTIFACT + "\n")
    return final


def _es_build_shim(home: Path, java_home: Path, log: Path) -> None:
    """Compile the test shim plugin (GET /, asciifolding, lowercase) into ES_HOME/plugins."""
    src_hash = hashlib.sha256(ES_SHIM_SRC.read_bytes() + ES_VERSION.encode()).hexdigest()
    pdir = home / "plugins" / ES_SHIM_NAME
    stamp = pdir / ".source-sha256"
    if stamp.exists() and stamp.read_text().strip() == src_hash:
        return
    javac = java_home / "bin" / "javac"
    if not javac.exists():
        javac = Path(shutil.which("javac") or "javac")
    classes = home.parent / f".shim-classes-{os.getpid()}"
    shutil.rmtree(classes, ignore_errors=True)
    classes.mkdir(parents=True)
    try:
        _run_logged(
            "elasticsearch",
            [
                str(javac),
                "--release",
                "17",
                "-nowarn",
                "-encoding",
                "UTF-8",
                "-cp",
                str(home / "lib") + "/*",
                "-d",
                str(classes),
                str(ES_SHIM_SRC),
            ],
            log,
            timeout=300,
        )
        shutil.rmtree(pdir, ignore_errors=True)
        pdir.mkdir(parents=True)
        with zipfile.ZipFile(pdir / f"{ES_SHIM_NAME}.jar", "w", zipfile.ZIP_DEFLATED) as jar:
            jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
            for f in sorted(classes.rglob("*.class")):
                jar.write(f, f.relative_to(classes).as_posix())
        (pdir / "plugin-descriptor.properties").write_text(
            "description=Sohoa test shim: GET / + asciifolding/lowercase filters (test servers only)\n"
            "version=1.0.0\n"
            f"name={ES_SHIM_NAME}\n"
            "classname=org.sohoa.testshim.SohoaTestShimPlugin\n"
            "java.version=17\n"
            f"elasticsearch.version={ES_VERSION}\n"
        )
        for p in [pdir, *pdir.iterdir()]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        stamp.write_text(src_hash + "\n")
    finally:
        shutil.rmtree(classes, ignore_errors=True)


def ensure_elasticsearch() -> str:
    name = "elasticsearch"
    with _lock(name):
        st = _probe_es(ES_PORT)
        if st:
            _wait(name, lambda: _es_ready(ES_PORT), TIMEOUTS[name], state_dir(name) / "logs" / "stdout.log")
            return ES_URL
        if st is False:
            raise ServerUnavailable(name, f"port {ES_PORT} is in use by something that is not Elasticsearch")
        _refuse_if_ours_elsewhere(name, ES_PORT)
        java_home = _java_home()
        if java_home is None:
            raise ServerUnavailable(name, "no Java found (apt-get install openjdk-17-jdk-headless)")

        d = state_dir(name)
        logs, data, conf, tmpdir, run = d / "logs", d / "data", d / "config", d / "tmp", d / "run"
        for p in (logs, data, conf, tmpdir, run):
            p.mkdir(exist_ok=True)
        stdout_log = logs / "stdout.log"
        setup_log = d / "setup.log"
        t0 = time.monotonic()
        zpath = _es_zip(setup_log)
        home = _extract_zip(zpath, d / "dist", f"elasticsearch-{ES_VERSION}")
        _es_build_shim(home, java_home, setup_log)

        # Config dir of our own (ES writes its keystore there); the distribution stays read-only.
        for f in (home / "config").iterdir():
            if f.is_file() and f.name != "elasticsearch.yml":
                shutil.copy2(f, conf / f.name)
        (conf / "elasticsearch.yml").write_text(
            "# written by tests/servers/launch.py\n"
            "cluster.name: sohoa-test\n"
            "node.name: sohoa-test-es\n"
            f"network.host: {HOST}\n"
            f"http.port: {ES_PORT}\n"
            f"transport.port: {ES_TRANSPORT_PORT}\n"
            "discovery.type: single-node\n"
            "xpack.security.enabled: false\n"
            "cluster.routing.allocation.disk.threshold_enabled: false\n"
            "action.destructive_requires_name: false\n"
            f"path.data: {data}\n"
            f"path.logs: {logs}\n"
        )
        # Keep the JVM's GC log small (the distribution default rotates 32 x 64 MB).
        (conf / "jvm.options.d").mkdir(exist_ok=True)
        (conf / "jvm.options.d" / "sohoa-test.options").write_text(
            "-Xlog:disable\n-Xlog:all=warning:stderr:utctime,level,tags\n"
        )
        _give_to_service(logs, data, conf, tmpdir, run)
        pidfile = run / "elasticsearch.pid"
        pidfile.unlink(missing_ok=True)
        env = dict(os.environ)
        env.update(
            {
                "ES_JAVA_HOME": str(java_home),
                "ES_PATH_CONF": str(conf),
                "ES_TMPDIR": str(tmpdir),
                "ES_JAVA_OPTS": f"-Xms256m -Xmx{ES_HEAP}",
            }
        )
        env.pop("JAVA_TOOL_OPTIONS", None)
        cmd = [str(home / "bin" / "elasticsearch"), "-d", "-p", str(pidfile)]
        if _is_root():  # runuser may reset parts of the environment: pass ours explicitly
            keep = ["ES_JAVA_HOME", "ES_PATH_CONF", "ES_TMPDIR", "ES_JAVA_OPTS", "PATH", "LANG"]
            cmd = ["env", *[f"{k}={env[k]}" for k in keep if k in env], *cmd]
        # `elasticsearch -d` returns once the node has started (or failed); it detaches itself.
        _run_logged(name, _as_service(cmd), stdout_log, timeout=TIMEOUTS[name], cwd=Path("/"), env=env)
        pid = _read_pid(pidfile)
        _wait(
            name,
            lambda: _es_ready(ES_PORT),
            TIMEOUTS[name],
            logs / "sohoa-test.log",
            alive=(lambda: _pid_alive(pid)) if pid else None,
        )
        _log(f"elasticsearch {ES_VERSION} started on {ES_PORT} in {time.monotonic() - t0:.1f}s")
        return ES_URL


# --------------------------------------------------------------------------------------
# MinIO
# --------------------------------------------------------------------------------------


def _probe_minio(port: int) -> bool | None:
    s = _connect(port)
    if s is None:
        return None
    s.close()
    try:
        status, headers, _ = _http(port, "/minio/health/live")
    except Exception:  # noqa: BLE001
        return False
    return status == 200 and "minio" in headers.get("server", "").lower()


def _minio_binary(log: Path) -> Path:
    bindir = state_dir("minio") / "bin"
    exe = bindir / "minio"
    stamp = bindir / ".version"
    want = f"{MINIO_MODULE}@{MINIO_VERSION}"
    if exe.exists() and stamp.exists() and stamp.read_text().strip() == want:
        return exe
    go = shutil.which("go") or ("/usr/local/go/bin/go" if os.path.exists("/usr/local/go/bin/go") else None)
    if not go:
        raise ServerUnavailable("minio", "Go toolchain not found; cannot build MinIO")
    bindir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, GOBIN=str(bindir), GOFLAGS="-mod=mod", CGO_ENABLED="0")
    t0 = time.monotonic()
    _log(f"minio: building {want} with go install (first run only; several minutes on 2 cores)...")
    _run_logged("minio", [go, "install", want], log, timeout=MINIO_BUILD_TIMEOUT, env=env, cwd=bindir)
    if not exe.exists():
        raise ServerUnavailable("minio", f"go install succeeded but {exe} is missing\n{_tail(log)}")
    stamp.write_text(want + "\n")
    _log(f"minio: built in {time.monotonic() - t0:.0f}s")
    return exe


def _minio_client():
    from minio import Minio

    return Minio(f"{HOST}:{MINIO_PORT}", access_key=MINIO_ACCESS_KEY, secret_key=MINIO_SECRET_KEY, secure=False)


def _minio_bucket() -> None:
    client = _minio_client()
    if not client.bucket_exists(MINIO_BUCKET):
        try:
            client.make_bucket(MINIO_BUCKET)
        except Exception as e:  # noqa: BLE001
            if "BucketAlreadyOwnedByYou" not in str(e):
                raise


def ensure_minio() -> str:
    name = "minio"
    with _lock(name):
        st = _probe_minio(MINIO_PORT)
        if st:
            try:
                _minio_bucket()
            except Exception as e:  # noqa: BLE001
                raise ServerUnavailable(name, f"MinIO on port {MINIO_PORT} rejects the test credentials: {e}") from None
            return S3_URL
        if st is False:
            raise ServerUnavailable(name, f"port {MINIO_PORT} is in use by something that is not MinIO")
        _refuse_if_ours_elsewhere(name, MINIO_PORT)
        d = state_dir(name)
        logs, data = d / "logs", d / "data"
        logs.mkdir(exist_ok=True)
        data.mkdir(exist_ok=True)
        log = logs / "minio.log"
        t0 = time.monotonic()
        exe = _minio_binary(logs / "build.log")
        t1 = time.monotonic()
        env = dict(
            os.environ,
            MINIO_ROOT_USER=MINIO_ACCESS_KEY,
            MINIO_ROOT_PASSWORD=MINIO_SECRET_KEY,
            MINIO_UPDATE="off",
            MINIO_CI_CD="1",
        )
        proc = _spawn_detached(
            [
                str(exe),
                "server",
                str(data),
                "--address",
                f"{HOST}:{MINIO_PORT}",
                "--console-address",
                f"{HOST}:{MINIO_CONSOLE_PORT}",
                "--quiet",
            ],
            log,
            env=env,
            cwd=d,
        )
        (d / "minio.pid").write_text(f"{proc.pid}\n")
        _wait(name, lambda: bool(_probe_minio(MINIO_PORT)), TIMEOUTS[name], log, alive=lambda: proc.poll() is None)
        try:
            _wait(name, lambda: (_minio_bucket(), True)[1], 30, log, alive=lambda: proc.poll() is None)
        except ServerUnavailable as e:
            raise ServerUnavailable(name, f"started but could not create bucket {MINIO_BUCKET}: {e.reason}") from None
        _log(f"minio started on {MINIO_PORT} in {time.monotonic() - t1:.1f}s (total {time.monotonic() - t0:.1f}s)")
        return S3_URL


# --------------------------------------------------------------------------------------
# Aggregates
# --------------------------------------------------------------------------------------

ENSURE: dict[str, Callable[[], str]] = {
    "redis": ensure_redis,
    "postgres": ensure_postgres,
    "elasticsearch": ensure_elasticsearch,
    "minio": ensure_minio,
}


def _canon(names: list[str] | None) -> list[str]:
    if not names:
        return list(ORDER)
    out = []
    for n in names:
        key = ALIASES.get(n.lower().strip())
        if key is None:
            raise ValueError(f"unknown test server {n!r}; known: {', '.join(ORDER)}")
        if key not in out:
            out.append(key)
    return sorted(out, key=ORDER.index)


def ensure_all(names: list[str] | None = None) -> dict[str, str]:
    """Ensure the servers (default: all four) and return {ENV_NAME: url}. Raises ServerUnavailable."""
    return {ENV_NAMES[n]: ENSURE[n]() for n in _canon(names)}


SKIP_REASON_KEY = "SOHOA_TEST_SKIP_REASON"


def pytest_env_or_fail(names: list[str]) -> dict[str, str | None]:
    """Ensure the named servers for pytest ("redis", "postgres", "elasticsearch"/"es", "minio"/"s3").

    Success: returns ``{ENV_NAME: url}`` for each requested server (keys from ``ENV_NAMES``).

    Failure (any server could not be reused or started):

    * ``os.environ.get("CI") == "true"``: raises ``RuntimeError`` (message lists every failed
      server with its log tail) - a loud error, never a skip.
    * otherwise: does NOT raise. Returns the same dict with ``None`` for each failed server's
      URL, plus the key ``"SOHOA_TEST_SKIP_REASON"`` holding a one-paragraph reason. The caller
      skips with it, e.g.::

          env = pytest_env_or_fail(["redis", "postgres"])
          if env.get("SOHOA_TEST_SKIP_REASON"):
              pytest.skip(env["SOHOA_TEST_SKIP_REASON"])

      (``SOHOA_TEST_SKIP_REASON`` is absent when everything is up.)

    It does not modify ``os.environ``; the caller decides whether to export the URLs.
    """
    env: dict[str, str | None] = {}
    errors: list[str] = []
    for n in _canon(names):
        try:
            env[ENV_NAMES[n]] = ENSURE[n]()
        except ServerUnavailable as e:
            env[ENV_NAMES[n]] = None
            errors.append(str(e))
        except Exception as e:  # noqa: BLE001 - any setup crash is "server unavailable"
            env[ENV_NAMES[n]] = None
            errors.append(f"{n}: {type(e).__name__}: {e}")
    if errors:
        msg = "test servers unavailable:\n" + "\n".join(errors)
        if os.environ.get("CI") == "true":
            raise RuntimeError(msg)
        env[SKIP_REASON_KEY] = msg.splitlines()[0] + " " + "; ".join(e.splitlines()[0] for e in errors)
    return env


# --------------------------------------------------------------------------------------
# status / down
# --------------------------------------------------------------------------------------

PROBES = {
    "redis": (_probe_redis, REDIS_PORT),
    "postgres": (_probe_postgres, PG_PORT),
    "elasticsearch": (_probe_es, ES_PORT),
    "minio": (_probe_minio, MINIO_PORT),
}


def _pidfiles(name: str) -> list[tuple[Path, str]]:
    """(pidfile, expected substring of the process's command line) for servers we started."""
    root = cache_root() / "servers" / name
    if name == "redis":
        return [(root / "redis.pid", "redis-server")]
    if name == "postgres":
        return [(p / "data" / "postmaster.pid", "postgres") for p in sorted(root.glob("*")) if p.is_dir()]
    if name == "elasticsearch":
        return [(root / "run" / "elasticsearch.pid", "java")]
    return [(root / "minio.pid", "minio")]


def _our_pid(name: str) -> int | None:
    for pidfile, token in _pidfiles(name):
        pid = _read_pid(pidfile)
        if pid and _pid_alive(pid) and token in _cmdline(pid):
            return pid
    return None


def status() -> dict[str, dict]:
    out = {}
    for n in ORDER:
        probe, port = PROBES[n]
        st = probe(port)
        pid = _our_pid(n)
        out[n] = {
            "port": port,
            "state": "up" if st else ("port taken by another program" if st is False else "down"),
            "pid": pid,
            "ours": pid is not None,
            "url": {"redis": REDIS_URL, "postgres": DATABASE_URL, "elasticsearch": ES_URL, "minio": S3_URL}[n],
        }
    return out


def stop(name: str, timeout: float = 60.0) -> bool:
    """Stop a server that we started (pid file under the state dir). Returns True if one was stopped."""
    pid = _our_pid(name)
    if pid is None:
        return False
    if name == "postgres":
        for pidfile, _ in _pidfiles(name):
            if _read_pid(pidfile) == pid:
                bindir = _pg_bindir()
                if bindir:
                    subprocess.run(
                        _as_service([str(bindir / "pg_ctl"), "-D", str(pidfile.parent), "-m", "fast", "-w", "stop"]),
                        capture_output=True,
                        timeout=timeout,
                    )
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _pid_alive(pid):
        time.sleep(0.2)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return True


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------


def _shell_quote(s: str) -> str:
    return "'" + s.replace("'", "'\"'\"'") + "'"


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m tests.servers.launch", description="Start/inspect/stop the Sohoa test servers."
    )
    ap.add_argument("command", choices=["up", "status", "down", "env"])
    ap.add_argument("names", nargs="*", help=f"subset of: {', '.join(ORDER)} (default: all)")
    ap.add_argument("--json", action="store_true", help="status as JSON")
    args = ap.parse_args(argv)
    names = _canon(args.names)

    if args.command in ("up", "env"):
        rc = 0
        for n in names:
            t0 = time.monotonic()
            try:
                url = ENSURE[n]()
            except Exception as e:  # noqa: BLE001
                _log(f"FAILED {e}")
                rc = 1
                continue
            _log(f"{n}: ready in {time.monotonic() - t0:.1f}s")
            print(f"export {ENV_NAMES[n]}={_shell_quote(url)}", flush=True)
        return rc
    if args.command == "status":
        st = status()
        if args.json:
            print(json.dumps(st, indent=2))
        else:
            for n in names:
                s = st[n]
                who = (
                    f"pid {s['pid']}, started by us"
                    if s["ours"]
                    else ("not started by us" if s["state"] == "up" else "")
                )
                print(f"{n:14} {s['state']:5} :{s['port']}  {who}")
                if s["state"] == "up":
                    print(f"export {ENV_NAMES[n]}={_shell_quote(s['url'])}")
        return 0 if all(st[n]["state"] == "up" for n in names) else 3
    # down
    for n in reversed(names):
        if stop(n):
            _log(f"{n}: stopped")
        elif PROBES[n][0](PROBES[n][1]):
            _log(f"{n}: running but not started from {state_dir()} - left alone")
        else:
            _log(f"{n}: not running")
    return 0


if __name__ == "__main__":
    sys.exit(main())
