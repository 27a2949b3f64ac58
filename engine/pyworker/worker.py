"""hcbench worker for --engine python (worker protocol version 1).

hcbench runs this file as `python -B -c <this file> DIR`, DIR being the
user's qml-hcs checkout. It imports the user's `qmlhc` from DIR/src and the
benchmark example DIR/examples/ex_benchmark_performance_demo.py, and measures
the example's own forward_epoch on request: what is timed is exactly the
user's code. docs/protocol.md is the contract; hcbench owns the
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
# While an epoch runs long the last progress is repeated this often (seconds):
# the parent takes a worker silent for its timeout (default 60 s) as hung.
HEARTBEAT = 1.0


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
                            "qmlhc_revision": rev, "qmlhc_dir": self.dir},
                "features": ["vs"]}

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


class Server:
    """The worker's end of the protocol, as worker.Serve in Go does it.

    A reader thread applies pause/resume/stop at once and queues measure
    requests, so measuring never blocks on stdin; a heartbeat thread repeats
    the last progress while an epoch runs long, so a slow model is not taken
    for a hung one. One lock orders every output line.
    """

    def __init__(self, lib):
        self.lib = lib
        self.libs = {lib.dir: lib}  # checkouts loaded, by directory
        self.cond = threading.Condition()
        self.requests = queue.Queue()
        self.running = None  # id of the measurement in progress
        self.paused = False
        self.holding = False  # a measurement waits in hold()
        self.stop = False
        self.last_out = time.monotonic()
        self.last_sent = 0.0
        self.last_depth, self.last_frac = 0, 0.0

    def library(self, checkout):
        """Another qml-hcs checkout, for a variant B: imported once, side by
        side with the first. Python keeps one module per name, so the first
        checkout's qmlhc modules are set aside while the second's import
        (each module binds what it imports as it loads), then put back:
        each library object holds its own classes and functions. A module
        that imports qmlhc lazily, inside a function, would get the first
        checkout's."""
        key = os.path.abspath(checkout)
        if key in self.libs:
            return self.libs[key]
        mine = lambda k: k == "qmlhc" or k.startswith("qmlhc.")
        saved = {k: m for k, m in sys.modules.items() if mine(k)}
        path = list(sys.path)
        for k in saved:
            del sys.modules[k]
        try:
            lib = Library(key)
        except Fatal as e:
            raise RunError("vs.qmlhc: %s" % e)
        finally:
            for k in [k for k in sys.modules if mine(k)]:
                del sys.modules[k]
            sys.modules.update(saved)
            sys.path[:] = path
        self.libs[key] = lib
        return lib

    def write_locked(self, obj):
        send(obj)
        self.last_out = time.monotonic()

    def write(self, obj):
        with self.cond:
            self.write_locked(obj)

    def read(self):
        stdin = sys.stdin.buffer
        while True:
            raw = stdin.readline()
            if not raw:
                # EOF: the parent is done (or gone). Exit at once, even mid-run.
                os._exit(0)
            raw = raw.strip()
            if not raw:
                continue
            try:
                msg = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                self.write({"type": "error", "id": 0, "error": "a line from hcbench is not JSON (%s): %.80r" % (e, raw)})
                continue
            kind = msg.get("type") if isinstance(msg, dict) else None
            if kind == "measure":
                self.requests.put(msg)
            elif kind in ("pause", "resume", "stop"):
                self.control(kind)
            else:
                self.write({"type": "error", "id": 0, "error": "unknown message type %.40r" % (kind,)})

    def control(self, kind):
        with self.cond:
            rid = 0 if self.running is None else self.running
            if kind == "pause":
                # With a run in progress hold() says "paused" when it takes
                # effect; otherwise the pause holds the next run's first round.
                self.paused = True
                if self.running is None:
                    self.write_locked({"type": "paused", "id": 0})
            elif kind == "resume":
                self.paused = False
                if self.holding:
                    self.cond.notify_all()  # hold() says "resumed"
                else:
                    self.write_locked({"type": "resumed", "id": rid})
            elif self.running is None:
                self.write_locked({"type": "stopped", "id": 0})
            else:
                self.stop = True
                self.cond.notify_all()

    def hold(self):
        """Between rounds: waits while paused; False when the run must stop."""
        with self.cond:
            if self.paused and not self.stop:
                self.write_locked({"type": "paused", "id": self.running})
                self.holding = True
                while self.paused and not self.stop:
                    self.cond.wait()
                self.holding = False
                if not self.paused:
                    self.write_locked({"type": "resumed", "id": self.running})
            return not self.stop

    def progress(self, depth, fraction):
        with self.cond:
            self.last_depth, self.last_frac = depth, min(1.0, fraction)
            now = time.monotonic()
            if now - self.last_sent >= PROGRESS_INTERVAL:
                self.last_sent = now
                self.write_locked({"type": "progress", "id": self.running, "depth": depth, "fraction": self.last_frac})

    def heartbeat(self):
        while True:
            time.sleep(HEARTBEAT / 2)
            with self.cond:
                if self.running is not None and not self.holding and time.monotonic() - self.last_out >= HEARTBEAT:
                    self.write_locked({"type": "progress", "id": self.running, "depth": self.last_depth,
                                       "fraction": self.last_frac})

    def serve(self):
        threading.Thread(target=self.read, daemon=True).start()
        threading.Thread(target=self.heartbeat, daemon=True).start()
        while True:
            req = self.requests.get()
            rid = req.get("id", 0)
            if isinstance(rid, bool) or not isinstance(rid, int):
                rid = 0
            with self.cond:
                self.running, self.stop = rid, False
                self.last_depth, self.last_frac = 0, 0.0
            reply = self.measure(rid, req)
            with self.cond:
                if reply["type"] == "result" and self.stop:
                    reply = {"type": "stopped", "id": rid}
                self.running, self.stop = None, False
                self.write_locked(reply)

    def measure(self, rid, req):
        m = None
        try:
            m = Measurement(self.lib, self, req)
            out = m.run()
            out["id"] = rid
            json.dumps(out, allow_nan=False)
            return out
        except Stopped:
            return {"type": "stopped", "id": rid}
        except RunError as e:
            # hcbench names the config and seed: the message says only why.
            return {"type": "error", "id": rid, "error": str(e)}
        except Exception as e:
            # The user's code failed on this config (or ran out of memory):
            # report it and stay usable; the traceback goes to stderr.
            traceback.print_exc()
            return {"type": "error", "id": rid,
                    "error": "%s%s: %s" % ("request: " if m is None else "", type(e).__name__, e)}


def integer(req, key, low, default=None):
    v = req.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or v < low:
        raise RunError("%s=%r: need an integer >= %d" % (key, v, low))
    return v


def plan(req_batch, time_min, min_epochs, max_rounds, warm):
    """Fixes batch and rounds before measuring (docs/protocol.md, step 3), from
    the median warm-up epoch time of each depth, exactly as the Go worker."""
    per_round = sum(warm)  # one epoch at each depth
    target = time_min * len(warm)  # seconds of measuring, all depths
    max_rounds = max(1, max_rounds)
    batch = req_batch
    if batch <= 0:
        batch = 1
        if per_round > 0:
            batch = max(1, math.ceil(target / per_round / max_rounds))
    rounds = max_rounds
    if per_round > 0:
        rounds = min(max_rounds, math.ceil(target / (batch * per_round)))
    min_rounds = (max(1, min_epochs) + batch - 1) // batch
    return batch, max(rounds, min_rounds)


class Measurement:
    """One run (the reference's benchmark_once for one seed), timed per docs/protocol.md."""

    def __init__(self, lib, server, req):
        self.lib, self.server = lib, server
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
        # Variant B (protocol "Two variants in one run"): another policy
        # and/or another checkout, measured in the same rounds.
        self.vs = req.get("vs")
        if self.vs is not None:
            if not isinstance(self.vs, dict):
                raise RunError("vs=%r: need an object" % (self.vs,))
            self.vs_policy = self.vs.get("policy") or self.policy
            if self.vs_policy not in POLICIES:
                raise RunError("vs.policy=%r: allowed are %s" % (self.vs_policy, ", ".join(POLICIES)))
            self.vs_lib = lib
            if self.vs.get("qmlhc"):
                self.vs_lib = server.library(self.vs["qmlhc"])

    def hold(self):
        if not self.server.hold():
            raise Stopped()

    def run(self):
        np = self.lib.np
        # 1. Series, chain, memory and quality of each variant: not timed.
        variants = [Variant(self, self.lib, self.policy)]
        if self.vs is not None:
            variants.append(Variant(self, self.vs_lib, self.vs_policy))
        nd = len(self.depths)

        # 2. Warm-up, untimed for the result; its median epoch per depth
        # (not the first, cold one) fixes batch and rounds. Two variants
        # take turns epoch by epoch, so neither meets the machine warmer.
        warm = [[] for _ in variants]
        for d in self.depths:
            times = [[] for _ in variants]
            for _ in range(max(1, self.warmup)):
                for vi, v in enumerate(variants):
                    self.hold()
                    v.set_depth(d)
                    t0 = time.perf_counter()
                    v.epoch()
                    times[vi].append(time.perf_counter() - t0)
            for vi in range(len(variants)):
                warm[vi].append(float(np.median(times[vi])))
        # 3. Batch and rounds, fixed before measuring so that a stall can
        # never shorten a measurement; one batch and one number of rounds
        # for both variants, from both warm-ups, so every round has its pair.
        batch, rounds = plan(self.batch, self.time_min, self.min_epochs, self.max_rounds,
                             [w for ws in warm for w in ws])

        # 4. Rounds: batch epochs at each depth in turn, each depth's batch
        # timed around the epochs only. Two variants take turns batch by
        # batch, so the two halves of a pair are a batch apart, and
        # alternate which goes first (AB, BA, AB, ... over the depths and
        # rounds), so that neither always follows the other.
        nv = len(variants)
        for r in range(rounds):
            self.hold()
            round_time = [0.0] * nv
            for i, d in enumerate(self.depths):
                for k in range(nv):
                    vi = (r + i + k) % nv
                    v = variants[vi]
                    v.set_depth(d)
                    epoch = v.epoch
                    t0 = time.perf_counter()
                    for _ in range(batch):
                        epoch()
                    dt = time.perf_counter() - t0
                    v.sums[i] += dt
                    round_time[vi] += dt
                    self.server.progress(d, (r + (i * nv + k + 1) / (nd * nv)) / rounds)
            for vi, v in enumerate(variants):
                v.samples.append(round_time[vi] / (batch * nd))

        out = {"type": "result", "batch": batch, "rounds": rounds, "samples": variants[0].samples,
               "run": variants[0].run(batch, rounds), "mem_kind": "tracemalloc"}
        if len(variants) == 2:
            b = variants[1]
            out["vs"] = {"samples": b.samples, "run": b.run(batch, rounds), "mem_kind": "tracemalloc"}
            if self.vs_lib is not self.lib:
                h = self.vs_lib.hello()
                out["vs"]["engine_version"], out["vs"]["details"] = h["engine_version"], h["details"]
        return out



class Variant:
    """One variant of a measurement: a library (checkout) and a policy, with
    its series, chain, quality and memory (from one traced pass), and its
    rounds."""

    def __init__(self, m, lib, policy):
        self.m, self.lib = m, lib
        ex = lib.ex
        x_seq, target_seq = ex.synthetic_sequence(m.T, m.D, seed=m.seed)
        model, backends = lib.chain(m.D, m.seed, policy)
        K = m.K

        def set_depth(d):
            for be in backends:
                be.depth = int(d)

        def epoch():
            return ex.forward_epoch(model, backends, x_seq, target_seq, K)

        self.set_depth, self.epoch = set_depth, epoch
        # Memory and quality: one untimed pass over the depths under
        # tracemalloc, as benchmark_once does it (its peak is never reset, so
        # the figure is the peak over all depths). Tracing slows Python down
        # several times, so it never runs while anything is timed. Parameters
        # never change, so these quality figures are every epoch's.
        self.quality, self.mem_peak = self.traced_pass(set_depth, epoch, target_seq)
        self.sums = [0.0] * len(m.depths)
        self.samples = []

    def run(self, batch, rounds):
        """The run's figures, aggregated over the depths as benchmark_once does."""
        np, m, quality = self.lib.np, self.m, self.quality
        n = rounds * batch
        times = [s / n for s in self.sums]
        fwd = [t / m.T for t in times]
        depth_results = []
        for d, t, q in zip(m.depths, times, quality):
            r = {"depth": d, "epochs": n, "time_epoch_mean": t}
            r.update(q)
            depth_results.append(r)

        def col(k):
            return [q[k] for q in quality]

        return {"seed": m.seed, "depth_results": depth_results,
                "time_epoch_mean": float(np.mean(times)), "time_epoch_std": float(np.std(times)),
                "time_forward_mean": float(np.mean(fwd)), "time_forward_std": float(np.std(fwd)),
                "mem_peak_bytes": self.mem_peak,
                "total_mean": float(np.mean(col("total"))), "total_std": float(np.std(col("total"))),
                "rmse_mean": float(np.mean(col("rmse"))), "rmse_std": float(np.std(col("rmse"))),
                "overshoot_mean": float(np.mean(col("overshoot"))),
                "robustness_mean": float(np.mean(col("robustness")))}

    def hold(self):
        self.m.hold()

    @property
    def depths(self):
        return self.m.depths

    def traced_pass(self, set_depth, epoch, target_seq):
        import tracemalloc
        lib = self.lib
        quality = []
        peak_max = 0
        if tracemalloc.is_tracing():
            # PYTHONTRACEMALLOC or -X tracemalloc: its peak would count the
            # imports, and the timed epochs must not be traced.
            tracemalloc.stop()
        tracemalloc.start()
        try:
            for d in self.depths:
                self.hold()
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
    Server(lib).serve()


if __name__ == "__main__":
    main()
