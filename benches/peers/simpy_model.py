"""A SimPy peer of breakersim: the Istio tutorial and the circuit-breaker lab, modelled plainly.

This is the peer benchmark's other side (docs/performance.md#peer-benchmark): the same world
as `scenarios/istio-outlier-tutorial.toml` and `scenarios/envoy-circuit-breaker-lab.toml`,
written as a competent engineer would in SimPy, one process per request (and one per
hey worker, per connect, and the clients' and detector's timers). The world (clients,
networks, backends, Envoy's worker count, the run's duration) is read from the scenario file;
the cluster (breakers, pool, load balancer, outlier detection) comes from the Envoy or Istio
config the scenario imports (`[cluster] from`), whose values are written out below in
`CLUSTERS`, with the lines they come from.

    python3 simpy_model.py SCENARIO.toml [--seed N]

prints one JSON object: the responses by status, the availability, and `sim_wall_s`, the wall
time of `env.run` alone (time.perf_counter around it; loading and output excluded).
"""

import argparse
import collections
import json
import math
import random
import re
import sys
import time
import tomllib
from pathlib import Path

import simpy

# What `[cluster] from` gives each scenario: the Envoy cluster breakersim imports
# (`breakersim import scenarios/configs/...` prints it in full).
CLUSTERS = {
    # scenarios/configs/tutorial-destinationrule.yaml as istiod 1.30 translates it
    # (docs/istio-tutorial.md): every circuit-breaker limit at 2^32-1, LEAST_REQUEST with two
    # choices, panic threshold 0, consecutive_5xx 3 enforced at 100%, interval 5s,
    # base_ejection_time 30s, max_ejection_percent 100, max_ejection_time max(300s, base),
    # no jitter; success-rate ejection off (enforcing_success_rate 0, and 2 hosts are below
    # success_rate_minimum_hosts 5 anyway); the gateway-failure detector is not enforced
    # (enforcing 0) and sees no 502-504 here. Route timeout 0 (off); Istio's default retry
    # policy retries only connect failures and refused streams, which never happen here.
    "configs/tutorial-destinationrule.yaml": {
        "lb_policy": "LEAST_REQUEST",
        "choice_count": 2,
        "healthy_panic_threshold": 0.0,
        "max_connections": 2**32 - 1,
        "max_pending_requests": 2**32 - 1,
        "max_requests": 2**32 - 1,
        "outlier_detection": {
            "consecutive_5xx": 3,
            "interval": 5.0,
            "base_ejection_time": 30.0,
            "max_ejection_percent": 100,
            "max_ejection_time": 300.0,
        },
    },
    # scenarios/configs/lab-envoy.yaml: cluster python_server, max_connections 20,
    # max_pending_requests 20, max_requests 100, round robin (Envoy's default), one endpoint,
    # no outlier detection, Envoy's default panic threshold 50%. The route's default 15 s
    # timeout is never reached (a run lasts well under a second) and there are no retries.
    "configs/lab-envoy.yaml": {
        "lb_policy": "ROUND_ROBIN",
        "healthy_panic_threshold": 50.0,
        "max_connections": 20,
        "max_pending_requests": 20,
        "max_requests": 100,
        "outlier_detection": None,
    },
}
# Both clusters' connect_timeout (10 s and 5 s) is never reached: the upstream connect time's
# p99 is 3-4 ms and no backend drops a SYN (their listen backlog is the default 4096).

UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def seconds(text):
    """A scenario duration ("250us", "5s") in seconds."""
    number, unit = re.fullmatch(r"([0-9.]+)\s*(ns|us|µs|ms|s|m|h)", text).groups()
    return float(number) * UNITS[unit]


def distribution(value):
    """A scenario distribution (docs/scenario-format.md#distributions) as a sampler."""
    if isinstance(value, str):
        value = {"constant": value}
    (kind, args), = value.items()
    if kind == "constant":
        t = seconds(args)
        return lambda rng: t
    if kind == "uniform":
        lo, hi = seconds(args["min"]), seconds(args["max"])
        return lambda rng: rng.uniform(lo, hi)
    if kind == "exponential":
        mean = seconds(args["mean"])
        return lambda rng: rng.expovariate(1.0 / mean)
    if kind == "lognormal":
        # mu = ln(median), sigma = ln(p99 / median) / 2.326, as breakersim reads it.
        median, p99 = seconds(args["median"]), seconds(args["p99"])
        mu, sigma = math.log(median), math.log(p99 / median) / 2.326
        return lambda rng: rng.lognormvariate(mu, sigma)
    raise ValueError(f"distribution {kind} is not modelled")


class Breakers:
    """The cluster's DEFAULT-priority circuit breakers, shared by every worker."""

    def __init__(self, cluster):
        self.max = {
            "connections": cluster["max_connections"],
            "pending": cluster["max_pending_requests"],
            "requests": cluster["max_requests"],
        }
        self.count = {"connections": 0, "pending": 0, "requests": 0}

    def can_create(self, kind):
        # Envoy refuses when the count equals the limit (strict `<`).
        return self.count[kind] < self.max[kind]


class Host:
    """One backend host ([[backends]]): its server and what Envoy knows of it."""

    def __init__(self, env, name, group):
        self.env = env
        self.name = name
        self.service_time = distribution(group.get("service_time", "0s"))
        self.error_probability = group.get("error_probability", 0.0)
        self.error_status = group.get("error_status", 500)
        # keep_alive = false: an HTTP/1.0 server that closes after every response.
        self.keep_alive = group.get("keep_alive", True)
        # concurrency: requests served at once, the rest wait FIFO; 0 means no limit.
        concurrency = group.get("concurrency", 0)
        self.server = simpy.Resource(env, concurrency) if concurrency > 0 else None
        self.rq_active = 0  # Envoy's upstream_rq_active for the host (LEAST_REQUEST reads it)
        self.ejected = False

    def serve(self, rng):
        """A request at the host: wait for a free slot, be served, decide the status."""
        if self.server is None:
            yield self.env.timeout(self.service_time(rng))
        else:
            with self.server.request() as slot:
                yield slot
                yield self.env.timeout(self.service_time(rng))
        return self.error_status if rng.random() < self.error_probability else 200


class Connection:
    """An upstream HTTP/1.1 connection: one request at a time. Its pool's lists (connecting,
    ready, busy) say what state it is in."""


class Pool:
    """One worker's HTTP/1.1 connection pool for one host, as Envoy's conn_pool_base.cc."""

    def __init__(self, model, host):
        self.model = model
        self.host = host
        self.pending = collections.deque()  # (stream event) waiting for a connection
        self.connecting = 0
        self.ready = []  # idle connections
        self.busy = set()

    def connection_count(self):
        return self.connecting + len(self.ready) + len(self.busy)

    def new_stream(self):
        """newStream: an event that gives a connection, or None for an overflow (503 UO)."""
        stream = self.model.env.event()
        breakers = self.model.breakers
        if self.ready:
            self.attach(self.ready[-1], stream)
            self.try_create_connections()
        elif not breakers.can_create("pending"):
            self.model.stats["upstream_rq_pending_overflow"] += 1
            stream.succeed(None)
        else:
            self.pending.append(stream)
            breakers.count["pending"] += 1
            self.try_create_connections()
        return stream

    def attach(self, conn, stream):
        """attachStreamToClient: max_requests is checked here."""
        breakers = self.model.breakers
        if not breakers.can_create("requests"):
            self.model.stats["upstream_rq_pending_overflow"] += 1
            stream.succeed(None)
            return
        self.ready.remove(conn)
        self.busy.add(conn)
        breakers.count["requests"] += 1
        self.host.rq_active += 1
        stream.succeed(conn)

    def try_create_connections(self):
        """tryCreateNewConnections: up to three, while each is created within the limits."""
        for _ in range(3):
            # shouldCreateNewConnection: more streams waiting than connections being made.
            if len(self.pending) <= self.connecting:
                return
            within_limit = self.model.breakers.can_create("connections")
            if not within_limit:
                self.model.stats["upstream_cx_overflow"] += 1
                # A pool with no connection at all opens one even at the limit.
                if self.connection_count() > 0:
                    return
            self.create_connection()
            if not within_limit:
                return

    def create_connection(self):
        """A new connection counts against max_connections at once, connecting or not."""
        self.connecting += 1
        self.model.breakers.count["connections"] += 1
        self.model.stats["upstream_cx_total"] += 1
        self.model.env.process(self.connect(Connection()))

    def connect(self, conn):
        """The TCP connect: usable after network.upstream.connect_time."""
        yield self.model.env.timeout(self.model.upstream_connect_time(self.model.rng))
        self.connecting -= 1
        self.ready.append(conn)
        self.on_upstream_ready()

    def on_upstream_ready(self):
        """onUpstreamReady: the oldest waiting streams take the idle connections."""
        while self.pending and self.ready:
            stream = self.pending.popleft()
            self.model.breakers.count["pending"] -= 1
            self.attach(self.ready[-1], stream)
        if self.pending:
            self.try_create_connections()

    def on_response_complete(self, conn, close):
        """The response is in: the connection closes (HTTP/1.0) or takes the next stream."""
        breakers = self.model.breakers
        breakers.count["requests"] -= 1
        self.host.rq_active -= 1
        self.busy.discard(conn)
        if close:
            breakers.count["connections"] -= 1
            if self.pending:
                self.try_create_connections()
        else:
            self.ready.append(conn)
            self.on_upstream_ready()


class OutlierDetector:
    """Consecutive-5xx outlier detection as Envoy 1.28+ runs it (outlier_detection_impl.cc)."""

    def __init__(self, model, od):
        self.model = model
        self.od = od
        self.monitors = {h: {"consecutive_5xx": 0, "multiplier": 0, "ejected_at": None,
                             "unejected_at": None} for h in model.hosts}
        self.ejections = 0

    def put_http_code(self, host, status):
        """Every response from a host counts: 5xx in a row eject it at the Nth."""
        m = self.monitors[host]
        if 500 <= status < 600:
            m["consecutive_5xx"] += 1
            if m["consecutive_5xx"] == self.od["consecutive_5xx"] and not host.ejected:
                self.eject(host)  # may be refused by max_ejection_percent
                m["consecutive_5xx"] = 0
        else:
            m["consecutive_5xx"] = 0

    def eject(self, host):
        # max_ejection_percent, counting the host to eject (Envoy 1.28+).
        ejected = sum(h.ejected for h in self.model.hosts)
        if 100.0 * (ejected + 1) / len(self.model.hosts) > self.od["max_ejection_percent"]:
            return
        m = self.monitors[host]
        host.ejected = True
        m["ejected_at"] = self.model.env.now
        # The multiplier rises by one while base x multiplier is below max_ejection_time + base.
        base, longest = self.od["base_ejection_time"], self.od["max_ejection_time"]
        if m["multiplier"] * base < longest + base:
            m["multiplier"] += 1
        self.ejections += 1
        self.model.hosts_changed()

    def timer(self):
        """The interval timer: first at a phase drawn in [0, interval), then every interval."""
        env, interval = self.model.env, self.od["interval"]
        yield env.timeout(self.model.rng.uniform(0.0, interval))
        while True:
            self.on_interval(env.now)
            yield env.timeout(interval)

    def on_interval(self, now):
        base, longest = self.od["base_ejection_time"], self.od["max_ejection_time"]
        changed = False
        for host, m in self.monitors.items():
            out_for = min(base * m["multiplier"], longest)
            if host.ejected and now - m["ejected_at"] >= out_for:
                host.ejected = False
                m["consecutive_5xx"] = 0
                m["unejected_at"] = now
                changed = True
        # The multiplier drops by one at each tick once the host has been back an interval.
        for host, m in self.monitors.items():
            back = m["unejected_at"] is not None and now - m["unejected_at"] >= self.od["interval"]
            if not host.ejected and back and m["multiplier"] > 0:
                m["multiplier"] -= 1
        if changed:
            self.model.hosts_changed()


class LoadBalancer:
    """One worker's load balancer over the hosts not ejected (lb_policy)."""

    def __init__(self, model, cluster):
        self.model = model
        self.policy = cluster["lb_policy"]
        self.choice_count = cluster.get("choice_count", 2)
        self.panic_threshold = cluster["healthy_panic_threshold"]
        self.next_rr = model.rng.randrange(len(model.hosts))  # Envoy starts at a random host

    def pick(self):
        hosts = self.model.healthy
        # Panic: below the threshold's share of healthy hosts, pick from all of them.
        if 100.0 * len(hosts) / len(self.model.hosts) < self.panic_threshold:
            hosts = self.model.hosts
        if not hosts:
            return None  # no healthy upstream: 503 UH
        rng = self.model.rng
        if self.policy == "ROUND_ROBIN":
            self.next_rr += 1
            return hosts[self.next_rr % len(hosts)]
        # LEAST_REQUEST with equal weights: choice_count draws, keep the first unless a later
        # one has strictly fewer active requests.
        best = hosts[rng.randrange(len(hosts))]
        for _ in range(self.choice_count - 1):
            other = hosts[rng.randrange(len(hosts))]
            if other.rq_active < best.rq_active:
                best = other
        return best


class Model:
    """The whole world: clients -> Envoy (workers, pools, breakers, detector) -> backends."""

    def __init__(self, scenario, seed):
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.duration = seconds(scenario["duration"]) if "duration" in scenario else None
        cluster = CLUSTERS[scenario["cluster"]["from"]]
        net = scenario.get("network", {})
        down, up = net.get("downstream", {}), net.get("upstream", {})
        self.downstream_latency = distribution(down.get("latency", "50us"))
        self.downstream_connect_time = distribution(down.get("connect_time", "100us"))
        self.upstream_latency = distribution(up.get("latency", "50us"))
        self.upstream_connect_time = distribution(up.get("connect_time", "100us"))
        self.hosts = [Host(self.env, f"{g['name']}-{i}", g)
                      for g in scenario["backends"] for i in range(g.get("replicas", 1))]
        self.healthy = list(self.hosts)
        self.breakers = Breakers(cluster)
        workers = scenario.get("envoy", {}).get("concurrency", 2)
        # Each Envoy worker has its own load balancer and one pool per host.
        self.balancers = [LoadBalancer(self, cluster) for _ in range(workers)]
        self.pools = [{h: Pool(self, h) for h in self.hosts} for _ in range(workers)]
        self.detector = None
        if cluster["outlier_detection"] is not None:
            self.detector = OutlierDetector(self, cluster["outlier_detection"])
            self.env.process(self.detector.timer())
        self.stats = collections.Counter()
        self.responses = collections.Counter()
        for client in scenario["clients"]:
            self.start_client(client)

    def hosts_changed(self):
        self.healthy = [h for h in self.hosts if not h.ejected]

    def start_client(self, c):
        start = seconds(c.get("start", "0s"))
        end = start + seconds(c["duration"]) if "duration" in c else self.duration
        keep_alive = c.get("keep_alive", True)
        if c["kind"] == "open_loop":
            self.env.process(self.open_loop(c, start, end, keep_alive))
        else:
            turnaround = distribution(c.get("turnaround", "0s"))
            for _ in range(c["workers"]):
                self.env.process(self.closed_loop_worker(c, start, end, keep_alive, turnaround))

    def open_loop(self, c, start, end, keep_alive):
        """open_loop: `rate` requests/s, "constant" (1/rate apart from start) or "poisson"."""
        gap = 1.0 / c["rate"]
        poisson = c.get("arrivals", "poisson") == "poisson"
        at = start + (self.rng.expovariate(c["rate"]) if poisson else 0.0)
        while at < end:
            yield self.env.timeout(at - self.env.now)
            # keep_alive: an open connection on a random Envoy worker, no connect time.
            worker = self.rng.randrange(len(self.pools))
            self.env.process(self.request(worker, new_connection=not keep_alive))
            at += self.rng.expovariate(c["rate"]) if poisson else gap

    def closed_loop_worker(self, c, start, end, keep_alive, turnaround):
        """closed_loop, like hey's workers: send, wait for the response, pause, send again."""
        yield self.env.timeout(start)
        worker = self.rng.randrange(len(self.pools))  # the kernel's pick for the connection
        sent = 0
        while sent < c.get("requests_per_worker", math.inf):
            if end is not None and self.env.now >= end:
                return
            if not keep_alive:
                worker = self.rng.randrange(len(self.pools))
            new_connection = sent == 0 or not keep_alive
            yield from self.request(worker, new_connection)
            sent += 1
            yield self.env.timeout(turnaround(self.rng))

    def request(self, worker, new_connection):
        """One request: the client's network, Envoy's router, and back."""
        if new_connection:
            yield self.env.timeout(self.downstream_connect_time(self.rng))
        yield self.env.timeout(self.downstream_latency(self.rng))
        status = yield from self.route(worker)
        yield self.env.timeout(self.downstream_latency(self.rng))
        self.responses[status] += 1

    def route(self, worker):
        """Envoy's router: pick a host, get a connection from the pool, forward, answer."""
        host = self.balancers[worker].pick()
        if host is None:
            return 503  # UH
        pool = self.pools[worker][host]
        conn = yield pool.new_stream()
        if conn is None:
            return 503  # UO: a circuit breaker refused the request
        yield self.env.timeout(self.upstream_latency(self.rng))
        status = yield from host.serve(self.rng)
        yield self.env.timeout(self.upstream_latency(self.rng))
        if self.detector is not None:
            self.detector.put_http_code(host, status)
        pool.on_response_complete(conn, close=not host.keep_alive)
        return status

    def run(self):
        """Runs the simulation; returns its wall time in seconds (env.run alone)."""
        began = time.perf_counter()
        if self.duration is None:
            self.env.run()
        else:
            self.env.run(until=self.duration)
        return time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--build-only", action="store_true",
                        help="load and build the model, do not run it (to count the "
                             "instructions of everything but the simulation)")
    args = parser.parse_args()
    with open(args.scenario, "rb") as f:
        scenario = tomllib.load(f)
    seed = args.seed if args.seed is not None else scenario.get("seed", 1)
    model = Model(scenario, seed)
    wall = 0.0 if args.build_only else model.run()
    answered = sum(model.responses.values())
    ok = sum(n for s, n in model.responses.items() if 200 <= s < 300)
    json.dump({
        "scenario": args.scenario.stem,
        "seed": seed,
        "responses": answered,
        "status": {str(s): n for s, n in sorted(model.responses.items())},
        "availability": ok / answered if answered else None,
        "ejections": model.detector.ejections if model.detector else 0,
        "stats": dict(sorted(model.stats.items())),
        "sim_wall_s": wall,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
