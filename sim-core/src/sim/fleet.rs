//! Mesh mode's fleet of Envoys: which Envoy each replica of each `[[proxies]]` group is, which
//! Envoy each request goes through, and the fleet's totals (gauge sums and their peaks, each
//! Envoy's clients' outcome), kept up to date from the Envoys an event touched only, so that
//! the cost follows the events and not the number of replicas.

use super::outcome::{ClientOutcome, Peaks};
use super::proxy::{EnvoyId, Proxy};
use crate::rng::{SimRng, StreamKind, stream};
use crate::scenario::{ClientKind, Scenario, Split};

/// The gauges summed over the fleet: connections, pending and active requests, ejections
/// active, hosts ejected.
const GAUGES: usize = 5;

/// One Envoy of the fleet.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    /// Its `[[proxies]]` group (0 without `[[proxies]]`).
    pub group: u32,
    /// Its replica in the group.
    pub replica: u32,
}

/// The Envoys of a run and what is kept across them.
pub(super) struct Fleet {
    /// Every Envoy, groups in file order, then replicas.
    pub members: Vec<Member>,
    /// Whether the scenario has `[[proxies]]` (otherwise one Envoy, as always).
    pub mesh: bool,
    /// Each group's first Envoy and replicas.
    groups: Vec<(u32, u32)>,
    /// Each client's group and split; the pod draws of open-loop clients split by pod.
    client_group: Vec<u32>,
    client_split: Vec<Split>,
    split_rng: Vec<Option<SimRng>>,
    /// Each round-robin client's next replica.
    next_replica: Vec<u32>,
    /// Envoys an event touched, each once, to bring into the totals after it.
    touched: Vec<u32>,
    touched_mark: Vec<bool>,
    /// Each Envoy's gauges when last brought into `sums`.
    last: Vec<[u64; GAUGES]>,
    sums: [u64; GAUGES],
    /// Highest fleet-wide sums.
    pub peaks: Peaks,
    /// What the clients of each Envoy saw (mesh mode only).
    pub outcomes: Vec<ClientOutcome>,
}

impl Fleet {
    pub fn new(s: &Scenario, seed: u64) -> Fleet {
        let mesh = !s.proxies.is_empty();
        let mut members = Vec::new();
        let mut groups = Vec::new();
        for (g, group) in s.proxies.iter().enumerate() {
            groups.push((members.len() as u32, group.replicas));
            members.extend((0..group.replicas).map(|replica| Member {
                group: g as u32,
                replica,
            }));
        }
        if !mesh {
            groups.push((0, 1));
            members.push(Member {
                group: 0,
                replica: 0,
            });
        }
        let client_group: Vec<u32> = s
            .clients
            .iter()
            .map(|c| {
                c.proxy_group.as_ref().map_or(0, |name| {
                    s.proxies
                        .iter()
                        .position(|g| &g.name == name)
                        .expect("validated") as u32
                })
            })
            .collect();
        let client_split: Vec<Split> = s
            .clients
            .iter()
            .map(|c| c.split.unwrap_or_default())
            .collect();
        let split_rng = s
            .clients
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (mesh
                    && c.kind == ClientKind::OpenLoop
                    && c.split.unwrap_or_default() == Split::Pod)
                    .then(|| stream(seed, StreamKind::ClientSplit, i as u64))
            })
            .collect();
        let n = members.len();
        Fleet {
            mesh,
            groups,
            next_replica: vec![0; s.clients.len()],
            client_group,
            client_split,
            split_rng,
            touched: Vec::with_capacity(n),
            touched_mark: vec![false; n],
            last: vec![[0; GAUGES]; n],
            sums: [0; GAUGES],
            peaks: Peaks::default(),
            outcomes: if mesh {
                vec![ClientOutcome::default(); n]
            } else {
                Vec::new()
            },
            members,
        }
    }

    /// Envoy `e`'s identity: its random streams and its first pool.
    pub fn envoy_id(&self, e: usize, pools_per_envoy: usize) -> EnvoyId {
        let m = self.members[e];
        EnvoyId {
            stream: (u64::from(m.group) << 16) | u64::from(m.replica),
            pool_base: e * pools_per_envoy,
        }
    }

    /// The Envoy through which client `client` (closed-loop worker `worker`) sends its next
    /// request: always 0 without `[[proxies]]`.
    #[inline]
    pub fn envoy_for(&mut self, client: u32, worker: Option<u32>) -> u32 {
        if !self.mesh {
            return 0;
        }
        let c = client as usize;
        let (first, replicas) = self.groups[self.client_group[c] as usize];
        let replica = match (self.client_split[c], worker) {
            (Split::Pod, Some(w)) => w % replicas,
            (Split::Pod, None) => {
                let rng = self.split_rng[c].as_mut().expect("an open-loop pod split");
                rand::RngExt::random_range(rng, 0..replicas)
            }
            (Split::RoundRobin, _) => {
                let r = self.next_replica[c];
                self.next_replica[c] = (r + 1) % replicas;
                r
            }
        };
        first + replica
    }

    /// Envoy `e`'s state is about to change (mesh mode; nothing to do otherwise).
    #[inline]
    pub fn touch(&mut self, e: u32) {
        if self.mesh && !self.touched_mark[e as usize] {
            self.touched_mark[e as usize] = true;
            self.touched.push(e);
        }
    }

    /// Every Envoy's state is about to change (an EDS update, a crash of a host).
    pub fn touch_all(&mut self) {
        for e in 0..self.members.len() as u32 {
            self.touch(e);
        }
    }

    /// After an event: the touched Envoys' peaks, and the fleet's sums and peaks. Returns the
    /// fleet's count of (Envoy, host) pairs ejected.
    pub fn after_event(&mut self, proxies: &mut [Proxy]) -> u64 {
        for e in self.touched.drain(..) {
            let e = e as usize;
            self.touched_mark[e] = false;
            let p = &mut proxies[e];
            p.update_peaks();
            let now = gauges(p);
            for (i, v) in now.iter().enumerate() {
                self.sums[i] = self.sums[i] - self.last[e][i] + v;
            }
            self.last[e] = now;
        }
        let pk = &mut self.peaks;
        pk.upstream_cx_active = pk.upstream_cx_active.max(self.sums[0]);
        pk.upstream_rq_pending_active = pk.upstream_rq_pending_active.max(self.sums[1]);
        pk.upstream_rq_active = pk.upstream_rq_active.max(self.sums[2]);
        pk.ejections_active = pk.ejections_active.max(self.sums[3]);
        self.sums[4]
    }
}

fn gauges(p: &Proxy) -> [u64; GAUGES] {
    let (active, ejected) = p
        .outlier
        .as_ref()
        .map_or((0, 0), |d| (d.ejections_active(), d.ejected_hosts()));
    [
        p.stats.upstream_cx_active,
        p.stats.upstream_rq_pending_active,
        p.stats.upstream_rq_active,
        active,
        ejected,
    ]
}
