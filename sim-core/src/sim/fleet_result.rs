//! What a run reports about its Envoys: the fleet's stats (each Envoy's summed, or the one
//! Envoy's), the outlier event log of every Envoy merged in time order, and in mesh mode each
//! Envoy's own stats, peaks and clients' outcome.

use super::Simulation;
use super::outcome::{EnvoyResult, MeshResult, ProxyGroupInfo};
use crate::envoy::cluster_stats::Stat;
use crate::envoy::outlier::OutlierEvent;
use crate::envoy::stat_histogram::ClusterHistograms;

impl Simulation<'_> {
    /// The cluster's stats over the fleet: each stat summed by name over the Envoys, gauges
    /// included, sorted by name. Not every Envoy has every stat: a status or retry counter
    /// (`upstream_rq_409`, `retry.upstream_rq_503`) exists once its Envoy has counted one.
    pub(super) fn fleet_stats(&self) -> Vec<Stat> {
        let mut total: Vec<Stat> = self.proxies[0].stat_entries();
        for p in &self.proxies[1..] {
            for s in p.stat_entries() {
                match total.binary_search_by(|t| t.name.cmp(&s.name)) {
                    Ok(i) => total[i].value += s.value,
                    Err(i) => total.insert(i, s),
                }
            }
        }
        total
    }

    /// The cluster's histograms over the fleet: every Envoy's samples together.
    pub(super) fn fleet_histograms(&self) -> ClusterHistograms {
        let mut total = self.proxies[0].histograms.clone();
        for p in &self.proxies[1..] {
            total.add(&p.histograms);
        }
        total
    }

    /// The outlier event log of the fleet (every Envoy's, merged by time, Envoys in fleet
    /// order at equal times) and, in mesh mode, each Envoy's results.
    pub(super) fn take_fleet_results(&mut self) -> (Vec<OutlierEvent>, Option<MeshResult>) {
        let logs: Vec<Vec<OutlierEvent>> = self
            .proxies
            .iter_mut()
            .map(|p| {
                p.outlier
                    .as_mut()
                    .map(|d| d.take_events())
                    .unwrap_or_default()
            })
            .collect();
        if !self.fleet.mesh {
            return (logs.into_iter().next().unwrap_or_default(), None);
        }
        let mut tagged: Vec<(OutlierEvent, u32)> = logs
            .into_iter()
            .enumerate()
            .flat_map(|(e, log)| log.into_iter().map(move |ev| (ev, e as u32)))
            .collect();
        // Stable: each Envoy's own log keeps its order.
        tagged.sort_by_key(|(ev, e)| (ev.time, *e));
        let (events, event_envoys) = tagged.into_iter().unzip();
        let outcomes = std::mem::take(&mut self.fleet.outcomes);
        let envoys = self
            .proxies
            .iter()
            .zip(outcomes)
            .zip(&self.fleet.members)
            .map(|((p, client), m)| EnvoyResult {
                pod: format!(
                    "{}-{}",
                    self.scenario.proxies[m.group as usize].name, m.replica
                ),
                group: m.group as usize,
                replica: m.replica,
                client,
                stats: p.stat_entries(),
                histograms: p.histograms.clone(),
                peaks: p.peaks,
            })
            .collect();
        let groups = self
            .scenario
            .proxies
            .iter()
            .map(|g| ProxyGroupInfo {
                name: g.name.clone(),
                replicas: g.replicas,
            })
            .collect();
        let mesh = MeshResult {
            groups,
            envoys,
            event_envoys,
        };
        (events, Some(mesh))
    }
}
