"""hcbench worker for --engine python (worker protocol version 1).

hcbench runs this file as `python -B -c <this file> DIR`, DIR being the
user's qml-hcs checkout. It imports the user's `qmlhc` from DIR/src and the
benchmark example DIR/examples/ex_benchmark_performance_demo.py, and measures
the example's own forward_epoch on request: what is timed is exactly the
user's code. engine/worker/PROTOCOL.md is the contract; hcbench owns the
plan, statistics and files, this worker only measures what it is asked.
"""

import json
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import traceback

PROTOCOL = 1
EXAMPLE = os.path.join("examples", "ex_benchmark_performance_demo.py")
PACKAGE = os.path.join("src", "qmlhc", "__init__.py")
POLICIES = ("mean", "median", "minrisk")
# Progress lines are optional; a few a second keep the parent's view live
# without flooding the pipe.
PROGRESS_INTERVAL = 0.1


class Fatal(Exception):
    """The worker cannot start: reported as a fatal line, then exit 1."""


class Stopped(Exception):
    """The parent asked to abandon the run in progress."""


class RunError(Exception):
    """A request the worker refuses; the worker stays usable."""


def protocol_stream():
    # The protocol owns the real stdout. Everything else that prints (the
    # library, the example, numpy warnings, even C code writing to fd 1)
    # goes to stderr, which the parent only quotes in error messages.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


OUT = None


def send(obj):
    line = json.dumps(obj, allow_nan=False, separators=(",", ":"))
    OUT.write(line + "\n")
    OUT.flush()


def fatal(msg):
    send({"type": "fatal", "error": msg})
    sys.exit(1)


def git_revision(path):
    """The checkout's commit, with -dirty for uncommitted tracked changes."""
    def git(*args):
        r = subprocess.run(["git", "-C", path] + list(args), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=10)
        if r.returncode != 0:
            raise OSError("git " + args[0] + " failed")
        return r.stdout.decode("utf-8", "replace").strip()
    try:
        rev = git("rev-parse", "HEAD")
        if git("status", "--porcelain", "--untracked-files=no"):
            rev += "-dirty"
        return rev
    except (OSError, subprocess.SubprocessError):
        return ""


class Library:
    """The user's qmlhc and benchmark example, imported from a checkout."""

    def __init__(self, checkout):
        self.dir = os.path.abspath(checkout)
        if sys.version_info < (3, 9):
            raise Fatal("Python %s at %s is too old: qml-hcs needs Python 3.9 or newer (pick another with --python)"
                        % (sys.version.split()[0], sys.executable))
        try:
            import numpy
        except ImportError as e:
            raise Fatal("numpy is not installed for %s (Python %s): %s; install it (pip install numpy, or "
                        "apt-get install python3-numpy) or pick an interpreter that has it with --python"
                        % (sys.executable, sys.version.split()[0], e))
        self.np = numpy
        for need in (PACKAGE, EXAMPLE):
            if not os.path.isfile(os.path.join(self.dir, need)):
                raise Fatal("%s is not a qml-hcs checkout: it has no %s (give the repository's root, "
                            "which holds src/ and examples/)" % (self.dir, need))
        src = os.path.join(self.dir, "src")
        sys.path.insert(0, src)
        try:
            import qmlhc
            from qmlhc.core import HCModel
            from qmlhc.hc import HCNode, MedianPolicy, MinRiskPolicy
            from qmlhc.metrics import overshoot, robustness
        except Exception as e:
            traceback.print_exc()
            raise Fatal("importing qmlhc from %s failed: %s: %s" % (src, type(e).__name__, e))
        where = os.path.abspath(getattr(qmlhc, "__file__", "") or "")
        if not where.startswith(src + os.sep):
            raise Fatal("qmlhc was imported from %s, not from the checkout %s" % (where, src))
        self.qmlhc_version = str(getattr(qmlhc, "__version__", "unknown"))
        self.HCModel, self.HCNode = HCModel, HCNode
        self.MedianPolicy, self.MinRiskPolicy = MedianPolicy, MinRiskPolicy
        self.overshoot, self.robustness = overshoot, robustness
        self.ex = self._example()

    def _example(self):
        import importlib.util
        path = os.path.join(self.dir, EXAMPLE)
        try:
            spec = importlib.util.spec_from_file_location("ex_benchmark_performance_demo", path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
        except Exception as e:
            traceback.print_exc()
            raise Fatal("importing the benchmark example %s failed: %s: %s" % (path, type(e).__name__, e))
        for name in ("synthetic_sequence", "build_model_chain", "forward_epoch", "rmse_1d"):
            if not callable(getattr(mod, name, None)):
                raise Fatal("the benchmark example %s has no function %s(): this checkout's example "
                            "differs from the one hcbench drives" % (path, name))
        return mod

    def hello(self):
        np = self.np
        rev = git_revision(self.dir)
        version = self.qmlhc_version
        if rev:
            version += "+" + rev[:12] + ("-dirty" if rev.endswith("-dirty") else "")
        return {"type": "hello", "protocol": PROTOCOL, "engine": "python", "engine_version": version,
                "details": {"python": sys.version.split()[0], "python_executable": sys.executable,
                            "numpy": str(np.__version__), "qmlhc_version": self.qmlhc_version,
                            "qmlhc_revision": rev, "qmlhc_dir": self.dir}}

    def chain(self, D, seed, policy):
        """The example's model chain; other policies on the same backends."""
        model, backends = self.ex.build_model_chain(D, seed=seed)
        if policy == "median":
            pol = self.MedianPolicy()
        elif policy == "minrisk":
            # hcbench's minrisk: the branch with the smallest squared L2 norm.
            np = self.np
            pol = self.MinRiskPolicy(lambda b: float(np.dot(b, b)))
        else:
            return model, backends
        return self.HCModel([self.HCNode(be, pol) for be in backends]), backends


class Inbox:
    """Lines from the parent, read by a thread so measuring never blocks on stdin."""

    def __init__(self):
        self.q = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stdin = sys.stdin.buffer
        while True:
            line = stdin.readline()
            if not line:
                # EOF: the parent is done (or gone). Exit at once, even mid-run.
                os._exit(0)
            line = line.strip()
            if line:
                self.q.put(line)

    def get(self, block=True):
        """The next message, or None when not blocking and none is waiting."""
        try:
            raw = self.q.get(block)
        except queue.Empty:
            return None
        try:
            msg = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            return {"type": "_bad", "error": "a line from hcbench is not JSON (%s): %.80r" % (e, raw)}
        if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
            return {"type": "_bad", "error": "a message from hcbench has no type: %.80r" % (raw,)}
        return msg


def integer(req, key, low, default=None):
    v = req.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or v < low:
        raise RunError("%s=%r: need an integer >= %d" % (key, v, low))
    return v


class Measurement:
    """One run (the reference's benchmark_once for one seed), timed per PROTOCOL.md."""

    def __init__(self, lib, inbox, req):
        self.lib, self.inbox = lib, inbox
        self.id = req.get("id", 0)
        cfg = req.get("config")
        if not isinstance(cfg, dict):
            raise RunError("config missing: need {\"D\":…,\"K\":…,\"T\":…}")
        self.D, self.K, self.T = integer(cfg, "D", 1), integer(cfg, "K", 2), integer(cfg, "T", 1)
        self.seed = integer(req, "seed", 0)
        self.policy = req.get("policy", "mean")
        if self.policy not in POLICIES:
            raise RunError("policy=%r: allowed are %s" % (self.policy, ", ".join(POLICIES)))
        depths = req.get("depths")
        if not isinstance(depths, list) or not depths:
            raise RunError("depths=%r: need a non-empty list of integers >= 1" % (depths,))
        self.depths = [integer({"depth": d}, "depth", 1) for d in depths]
        tm = req.get("time_min", 0.01)
        if isinstance(tm, bool) or not isinstance(tm, (int, float)) or not math.isfinite(tm) or tm < 0:
            raise RunError("time_min=%r: need seconds >= 0" % (tm,))
        self.time_min = float(tm)
        self.min_epochs = integer(req, "min_epochs", 0, 5)
        self.max_rounds = integer(req, "max_rounds", 1, 1000)
        self.warmup = integer(req, "warmup", 0, 3)
        self.batch = integer(req, "batch", 0, 0)
        self.pause_wanted = False
        self.last_progress = 0.0

    def __str__(self):
        return "D=%d K=%d T=%d seed %d" % (self.D, self.K, self.T, self.seed)

    def control(self, between_rounds):
        """Handles messages that arrived; pauses only between rounds."""
        while True:
            msg = self.inbox.get(block=False)
            if msg is None:
                break
            self.handle(msg)
        if between_rounds and self.pause_wanted:
            self.pause_wanted = False
            send({"type": "paused", "id": self.id})
            while True:
                msg = self.inbox.get()
                if msg["type"] == "resume":
                    send({"type": "resumed", "id": self.id})
                    return
                if msg["type"] == "pause":
                    send({"type": "paused", "id": self.id})
                else:
                    self.handle(msg)

    def handle(self, msg):
        kind = msg["type"]
        if kind == "stop":
            raise Stopped()
        if kind == "pause":
            self.pause_wanted = True
        elif kind == "resume":
            # Not paused (yet): a resume cancels a pause not yet taken.
            if self.pause_wanted:
                self.pause_wanted = False
            else:
                send({"type": "resumed", "id": self.id})
        elif kind == "measure":
            send({"type": "error", "id": msg.get("id", 0),
                  "error": "busy: measure %s arrived while run %s is measuring" % (msg.get("id"), self.id)})
        elif kind == "_bad":
            send({"type": "error", "id": 0, "error": msg["error"]})
        else:
            send({"type": "error", "id": 0, "error": "unknown message type %r" % (kind,)})

    def progress(self, depth, fraction):
        now = time.perf_counter()
        if now - self.last_progress >= PROGRESS_INTERVAL:
            self.last_progress = now
            send({"type": "progress", "id": self.id, "depth": depth, "fraction": min(1.0, fraction)})

    def run(self):
        lib, np = self.lib, self.lib.np
        ex = lib.ex
        # 1. Series and chain: not timed.
        x_seq, target_seq = ex.synthetic_sequence(self.T, self.D, seed=self.seed)
        model, backends = lib.chain(self.D, self.seed, self.policy)
        K = self.K

        def set_depth(d):
            for be in backends:
                be.depth = int(d)

        def epoch():
            return ex.forward_epoch(model, backends, x_seq, target_seq, K)

        # Memory and quality: one untimed pass over the depths under
        # tracemalloc, as benchmark_once does it (its peak is never reset, so
        # the figure is the peak over all depths). Tracing slows Python down
        # several times, so it never runs while anything is timed.
        quality, mem_peak = self.traced_pass(set_depth, epoch, target_seq)

        # 2. Warm-up: untimed for the result; timed only to size the batch.
        warm = []
        for d in self.depths:
            self.control(False)
            set_depth(d)
            for _ in range(self.warmup):
                t0 = time.perf_counter()
                epoch()
                warm.append(time.perf_counter() - t0)

        # 3. Batch: enough epochs per round that at most max_rounds rounds
        # are needed, from the median warm-up epoch (not the cold first one).
        batch = self.batch
        if batch <= 0:
            batch = 1
            if warm:
                med = float(np.median(warm))
                if med > 0:
                    batch = max(1, math.ceil(self.time_min / med / self.max_rounds))

        # 4. Rounds: batch epochs at each depth in turn, each depth's batch
        # timed around the epochs only.
        nd = len(self.depths)
        target = self.time_min * nd
        sums = [0.0] * nd
        samples = []
        measured = 0.0
        rounds = 0
        while rounds < self.max_rounds and (measured < target or rounds * batch < self.min_epochs):
            self.control(True)
            round_time = 0.0
            for i, d in enumerate(self.depths):
                if i > 0:
                    self.control(False)
                set_depth(d)
                t0 = time.perf_counter()
                for _ in range(batch):
                    epoch()
                dt = time.perf_counter() - t0
                sums[i] += dt
                round_time += dt
                frac = (measured + round_time) / target if target > 0 else 1.0
                if self.min_epochs > 0:
                    frac = min(frac, (rounds + 1) * batch / self.min_epochs)
                self.progress(d, max(frac, (rounds + 1) / self.max_rounds))
            rounds += 1
            measured += round_time
            samples.append(round_time / (batch * nd))

        n = rounds * batch
        times = [s / n for s in sums]
        fwd = [t / self.T for t in times]
        depth_results = []
        for d, t, q in zip(self.depths, times, quality):
            r = {"depth": d, "epochs": n, "time_epoch_mean": t}
            r.update(q)
            depth_results.append(r)

        def col(k):
            return [q[k] for q in quality]

        run = {"seed": self.seed, "depth_results": depth_results,
               "time_epoch_mean": float(np.mean(times)), "time_epoch_std": float(np.std(times)),
               "time_forward_mean": float(np.mean(fwd)), "time_forward_std": float(np.std(fwd)),
               "mem_peak_bytes": mem_peak,
               "total_mean": float(np.mean(col("total"))), "total_std": float(np.std(col("total"))),
               "rmse_mean": float(np.mean(col("rmse"))), "rmse_std": float(np.std(col("rmse"))),
               "overshoot_mean": float(np.mean(col("overshoot"))),
               "robustness_mean": float(np.mean(col("robustness")))}
        return {"type": "result", "id": self.id, "batch": batch, "rounds": rounds, "samples": samples,
                "run": run, "mem_kind": "tracemalloc"}

    def traced_pass(self, set_depth, epoch, target_seq):
        import tracemalloc
        lib = self.lib
        quality = []
        peak_max = 0
        tracemalloc.start()
        try:
            for d in self.depths:
                self.control(False)
                set_depth(d)
                total, task, cns, ch, y_pred = epoch()
                quality.append({
                    "total": float(total), "task": float(task), "consistency": float(cns),
                    "coherence": float(ch),
                    "rmse": float(lib.ex.rmse_1d(target_seq[:, 0], y_pred[:, 0])),
                    "overshoot": float(lib.overshoot(target_seq[:, 0], y_pred[:, 0])),
                    "robustness": float(lib.robustness(target_seq[:, 0], y_pred[:, 0])),
                })
                _, peak = tracemalloc.get_traced_memory()
                peak_max = max(peak_max, int(peak))
        finally:
            tracemalloc.stop()
        for q in quality:
            for k, v in q.items():
                if not math.isfinite(v):
                    raise RunError("the model computed %s=%r, which JSON cannot carry" % (k, v))
        return quality, peak_max


def serve(lib, inbox):
    while True:
        msg = inbox.get()
        kind = msg["type"]
        if kind == "measure":
            measure(lib, inbox, msg)
        elif kind == "pause":
            send({"type": "paused", "id": 0})
        elif kind == "resume":
            send({"type": "resumed", "id": 0})
        elif kind == "stop":
            send({"type": "stopped", "id": 0})
        elif kind == "_bad":
            send({"type": "error", "id": 0, "error": msg["error"]})
        else:
            send({"type": "error", "id": 0, "error": "unknown message type %r" % (kind,)})


def measure(lib, inbox, req):
    rid = req.get("id", 0)
    m = None
    try:
        m = Measurement(lib, inbox, req)
        send(m.run())
    except Stopped:
        send({"type": "stopped", "id": rid})
    except RunError as e:
        send({"type": "error", "id": rid, "error": "%s%s" % ("" if m is None else str(m) + ": ", e)})
    except Exception as e:
        # The user's code failed on this config (or ran out of memory):
        # report it and stay usable; the traceback goes to stderr.
        traceback.print_exc()
        send({"type": "error", "id": rid,
              "error": "%s: %s: %s" % ("request" if m is None else m, type(e).__name__, e)})


def main():
    global OUT
    OUT = protocol_stream()
    # The parent owns this process's life: an interrupt at the terminal is
    # its to handle (it stops us by closing stdin or killing the group).
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):
        pass
    args = [a for a in sys.argv[1:] if a != "--"]
    if len(args) != 1:
        fatal("usage: worker.py QMLHC_DIR (got %d arguments)" % len(args))
    try:
        lib = Library(args[0])
        hello = lib.hello()
    except Fatal as e:
        fatal(str(e))
    send(hello)
    serve(lib, Inbox())


if __name__ == "__main__":
    main()
