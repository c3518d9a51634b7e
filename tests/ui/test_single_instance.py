"""One instance per person and data folder: both channels, their protocol, their socket file.

"linux" is the Unix-socket channel (Python's socket module in Qt's event loop); "win32" is
the named-pipe channel (QLocalServer/QLocalSocket), which Qt runs on a socket file here,
at the same path, so the two also stand for an older and a newer version meeting.
"""

from __future__ import annotations

import logging
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDir

from app.platform.single_instance import SingleInstance, hand_over, try_hand_over
from app.platform.unix_socket_channel import MAX_LINE_BYTES, socket_path, temp_dir

REPO = Path(__file__).resolve().parents[2]
CHANNELS = ["linux", "win32"]

HAND_OVER = """
import sys
from PySide6.QtCore import QCoreApplication
from app.platform.single_instance import hand_over
app = QCoreApplication([])
sys.exit(0 if hand_over(sys.argv[1], sys.argv[2], platform=sys.argv[3]) else 3)
"""

# A real first launch and a real second one, each in its own process: neither may load
# QtNetwork on Linux (it would cost about 3 MiB for the life of the app).
FIRST_LAUNCH = """
import subprocess, sys
from PySide6.QtCore import QCoreApplication, QTimer
import app.ui.application  # all a launch loads
from app.platform.single_instance import SingleInstance
qt = QCoreApplication([])
first = SingleInstance(sys.argv[1])
assert first.listen()
got = []
first.command_received.connect(lambda line: (got.append(line), qt.quit()))
second = subprocess.Popen([sys.executable, "-c", sys.argv[2], sys.argv[1]])
QTimer.singleShot(20_000, qt.quit)
qt.exec()
first.close()
second.wait(timeout=20)
print(got, second.returncode, "PySide6.QtNetwork" in sys.modules, flush=True)
"""
SECOND_LAUNCH = """
import sys
from app.platform.single_instance import try_hand_over
took = try_hand_over(sys.argv[1], "start me-space")
sys.exit(4 if "PySide6.QtNetwork" in sys.modules else 0 if took else 3)
"""

# Takes one connection and answers something other than the acknowledgement.
NOT_OK = """
import socket, sys
with socket.socket(socket.AF_UNIX) as server:
    server.bind(sys.argv[1])
    server.listen(1)
    print("ready", flush=True)
    conn, _ = server.accept()
    with conn:
        conn.recv(64)
        conn.sendall(b"busy\\n")
"""

# Listens, then ends without close(), as a process that quits without tidying up.
LISTEN_AND_END = """
import sys
from PySide6.QtCore import QCoreApplication
from app.platform.single_instance import SingleInstance
app = QCoreApplication([])
first = SingleInstance(sys.argv[1], platform=sys.argv[2])
print(first.listen(), flush=True)
"""


class Client:
    """A raw, non-blocking client, so this process's event loop can answer it."""

    def __init__(self, name: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(str(socket_path(name)))
        self.sock.setblocking(False)
        self.got = b""
        self.hung_up = False

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def done(self) -> bool:
        """Read what has come; True once the server has hung up."""
        while not self.hung_up:
            try:
                chunk = self.sock.recv(64)
            except BlockingIOError:
                break
            except ConnectionResetError:
                chunk = b""
            self.got += chunk
            self.hung_up = not chunk
        return self.hung_up


@pytest.fixture
def name(tmp_path: Path) -> str:
    return f"cc-test-{os.getpid()}-{tmp_path.name}"[:60]


@pytest.fixture
def instances(qapp):
    made: list[SingleInstance] = []

    def make(name: str, platform: str = "linux") -> SingleInstance:
        made.append(SingleInstance(name, platform=platform))
        return made[-1]

    yield make
    for instance in made:
        instance.close()


@pytest.fixture
def clients():
    made: list[Client] = []

    def connect(name: str) -> Client:
        made.append(Client(name))
        return made[-1]

    yield connect
    for client in made:
        client.sock.close()


def child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


@pytest.mark.parametrize("server", CHANNELS)
@pytest.mark.parametrize("client", CHANNELS)
def test_a_launch_hands_its_command_over(qtbot, instances, name, server, client):
    first = instances(name, server)
    assert first.listen() and first.listening
    assert first.listen()  # listening already: nothing changes
    with qtbot.waitSignal(first.command_received, timeout=10_000) as got:
        second = child(HAND_OVER, name, "start me-space", client)
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=10_000)
    second.communicate()
    assert second.returncode == 0, "the launch must hear that its command was taken"
    assert got.args == ["start me-space"]


def test_linux_never_loads_qtnetwork_for_one_instance(name):
    first = child(FIRST_LAUNCH, name, SECOND_LAUNCH)
    out, _ = first.communicate(timeout=60)
    assert first.returncode == 0
    assert out.strip() == "['start me-space'] 0 False"


@pytest.mark.parametrize("first_channel", CHANNELS)
@pytest.mark.parametrize("second_channel", CHANNELS)
def test_a_second_listener_is_refused_and_the_first_keeps_working(
        qtbot, instances, clients, name, first_channel, second_channel):
    first = instances(name, first_channel)
    assert first.listen()
    second = instances(name, second_channel)
    assert not second.listen() and not second.listening
    assert socket_path(name).exists()  # the refused one left the first's socket alone
    client = clients(name)
    with qtbot.waitSignal(first.command_received, timeout=5000) as got:
        client.send(b"show\n")
    assert got.args == ["show"]
    qtbot.waitUntil(client.done, timeout=5000)
    assert client.got == b"ok\n"


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_socket_file_left_by_a_crash_is_replaced(qtbot, instances, clients, name, channel):
    path = socket_path(name)
    with socket.socket(socket.AF_UNIX) as crashed:  # bound, then gone: nobody answers
        crashed.bind(str(path))
    assert not hand_over(name, "show", timeout_ms=200)
    first = instances(name, channel)
    assert first.listen()
    with qtbot.waitSignal(first.command_received, timeout=5000) as got:
        clients(name).send(b"show\n")
    assert got.args == ["show"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_only_the_user_may_connect(instances, name, channel):
    assert instances(name, channel).listen()
    mode = stat.S_IMODE(socket_path(name).stat().st_mode)
    assert mode & 0o077 == 0, f"group or others may connect: {mode:o}"
    if channel == "linux":
        assert mode == 0o600


@pytest.mark.parametrize("channel", CHANNELS)
def test_close_stops_listening_and_removes_the_socket_file(instances, name, channel):
    first = instances(name, channel)
    assert first.listen()
    first.close()
    assert not first.listening
    assert not socket_path(name).exists()
    assert not try_hand_over(name, "show")
    assert first.listen(), "it can listen again (the idle restart takes the name back)"


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_process_that_ends_without_closing_removes_its_socket_file(name, channel):
    first = child(LISTEN_AND_END, name, channel)
    out, _ = first.communicate(timeout=30)
    assert first.returncode == 0 and out.strip() == "True"
    assert not socket_path(name).exists(), "the next launch would have to connect to find out"


def test_close_leaves_another_instances_socket_file_alone(instances, name):
    first = instances(name)
    assert first.listen()
    path = socket_path(name)
    path.unlink()  # as if another instance had removed it and now listens there
    with socket.socket(socket.AF_UNIX) as other:
        other.bind(str(path))
        first.close()
        assert path.exists()
    path.unlink()


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_silent_client_does_not_hold_up_the_next(qtbot, instances, clients, name, channel):
    first = instances(name, channel)
    assert first.listen()
    silent = clients(name)
    with qtbot.waitSignal(first.command_received, timeout=5000) as got:
        clients(name).send(b"start me-space\n")
    assert got.args == ["start me-space"]
    assert not silent.done()


def test_a_line_in_two_pieces_is_put_together(qtbot, instances, clients, name):
    first = instances(name)
    assert first.listen()
    client = clients(name)
    client.send(b"start me")
    connections = first._server._connections  # the server has read the first piece
    qtbot.waitUntil(lambda: any(c._buffer == b"start me" for c in connections), timeout=5000)
    with qtbot.waitSignal(first.command_received, timeout=5000) as got:
        client.send(b"-space\n")
    assert got.args == ["start me-space"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_empty_lines_and_early_hang_ups_carry_no_command(qtbot, instances, clients, name,
                                                          channel):
    first = instances(name, channel)
    assert first.listen()
    heard: list[str] = []
    first.command_received.connect(heard.append)
    blank = clients(name)
    blank.send(b"  \n")
    qtbot.waitUntil(blank.done, timeout=5000)
    assert blank.got == b"ok\n"  # answered all the same
    half = clients(name)
    half.send(b"sho")
    half.sock.shutdown(socket.SHUT_WR)
    qtbot.waitUntil(half.done, timeout=5000)
    with qtbot.waitSignal(first.command_received, timeout=5000):
        clients(name).send(b"show\n")
    assert heard == ["show"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_line_without_end_is_cut_off(qtbot, instances, clients, name, channel, caplog):
    first = instances(name, channel)
    assert first.listen()
    endless = clients(name)
    with caplog.at_level(logging.WARNING):
        endless.send(b"x" * (MAX_LINE_BYTES + 100))
        qtbot.waitUntil(endless.done, timeout=5000)
    assert endless.got == b""
    assert f"ran past {MAX_LINE_BYTES} bytes" in caplog.text
    with qtbot.waitSignal(first.command_received, timeout=5000) as got:
        clients(name).send(b"show\n")
    assert got.args == ["show"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_handing_over_to_nobody_says_no(qapp, name, channel):
    assert not hand_over(name, "show", timeout_ms=200, platform=channel)  # no socket file
    with socket.socket(socket.AF_UNIX) as deaf:  # takes connections, never answers
        deaf.bind(str(socket_path(name)))
        deaf.listen(1)
        assert not hand_over(name, "show", timeout_ms=200, platform=channel)
    socket_path(name).unlink()


@pytest.mark.parametrize("channel", CHANNELS)
def test_only_the_acknowledgement_counts_as_taken(qapp, name, channel):
    other = child(NOT_OK, str(socket_path(name)))
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "ready"
        assert not hand_over(name, "show", platform=channel)
        other.communicate(timeout=30)
        assert other.returncode == 0, "the other end was reached and hung up"
    finally:
        other.kill()  # if it is still waiting for a connection
        other.communicate()
        socket_path(name).unlink(missing_ok=True)


def test_no_socket_folder_is_one_clear_warning(instances, tmp_path, monkeypatch, caplog):
    missing = tmp_path / "gone"
    monkeypatch.setenv("TMPDIR", str(missing))
    with caplog.at_level(logging.WARNING):
        assert not instances("cc-test").listen()
    assert [r.getMessage() for r in caplog.records] == [
        f"single instance: cannot listen on {missing / 'cc-test'}: No such file or directory"]


@pytest.mark.parametrize("tmpdir", [None, "", "/var/tmp/", "//var//./tmp/x/../", "rel/dir"])
def test_the_socket_folder_is_qts(tmpdir, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    if tmpdir is None:
        monkeypatch.delenv("TMPDIR", raising=False)
    else:
        monkeypatch.setenv("TMPDIR", tmpdir)
    assert temp_dir() == QDir.tempPath()
