"""One agent of the stand-in platform: initialise (hold some state, take AGENT_INIT_MS), register with the
orchestrator, then idle until stopped. Plain sockets: an agent should not pay for importing an HTTP stack."""

import os
import signal
import socket
import time

state = bytearray(int(float(os.environ.get("AGENT_STATE_MB", "4")) * 1_000_000))
for i in range(0, len(state), 4096):
    state[i] = 1  # touch every page, so the memory is resident as an agent's state would be
time.sleep(int(os.environ.get("AGENT_INIT_MS", "100")) / 1000)

host, port, agent = os.environ["REGISTER_HOST"], int(os.environ["REGISTER_PORT"]), os.environ["AGENT_ID"]
with socket.create_connection((host, port), timeout=10) as s:
    s.sendall(f"POST /register/{agent} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
    reply = b""
    while chunk := s.recv(4096):  # read to the end: closing early would reset the orchestrator's write
        reply += chunk
if b" 200 " not in reply.split(b"\r\n", 1)[0]:
    raise SystemExit(f"{agent}: registration refused: {reply[:40]!r}")
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
while True:
    time.sleep(3600)
