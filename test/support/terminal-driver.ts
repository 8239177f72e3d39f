/**
 * The start of a Python script that runs `json.loads(sys.argv[1])` in a pseudo-terminal, as a
 * person's terminal does, for a test's script to go on from: `fd` is the terminal, `pid` the
 * process, `out` all it has printed. `pump(seconds, until)` reads it for `seconds`, or until
 * `until()` holds (returned); `await_exit(seconds)` reads it until the process exits, killing it
 * after `seconds`, and returns its exit code (None when killed or signalled) and the milliseconds it took.
 */
export const TERMINAL_DRIVER_PRELUDE = String.raw`
import json, os, pty, select, signal, sys, time
argv = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out = b''
def pump(seconds, until=None):
    global out
    end = time.time() + seconds
    while time.time() < end:
        if until and until(): return True
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try: out += os.read(fd, 4096)
            except OSError: return False
    return bool(until and until())
def await_exit(seconds):
    since = time.time()
    while time.time() - since < seconds:
        pump(0.1)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            after_ms = int((time.time() - since) * 1000)
            pump(0.3)
            return (os.WEXITSTATUS(status) if os.WIFEXITED(status) else None), after_ms
    os.kill(pid, 9)
    return None, None
`;
