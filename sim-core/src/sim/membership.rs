//! EDS membership changes during a run: a phase's `replicas` or `replace` takes hosts out of the
//! cluster and puts new ones in, in one EDS update applied at the phase's instant.

use super::Simulation;
use crate::scenario::{GroupMembership, Scenario};

/// Every group's membership plan (validated with the scenario).
pub(super) fn plans(s: &Scenario) -> Vec<GroupMembership> {
    s.backends
        .iter()
        .map(|g| g.membership(u64::MAX).expect("validated with the scenario"))
        .collect()
}

/// Whether each host, in host order, is in the cluster's first EDS update.
pub(super) fn initial_members(plans: &[GroupMembership]) -> Vec<bool> {
    plans
        .iter()
        .flat_map(|p| (0..p.hosts).map(move |r| r < p.initial))
        .collect()
}

/// The host index of each group's first host.
pub(super) fn group_bases(plans: &[GroupMembership]) -> Vec<usize> {
    plans
        .iter()
        .scan(0, |next, p| {
            let base = *next;
            *next += p.hosts as usize;
            Some(base)
        })
        .collect()
}

impl Simulation<'_> {
    /// The EDS update of group `group`'s phase `phase`, if it changes the membership. Envoy
    /// applies an EDS update on the main thread and posts the new host sets, then the removed
    /// hosts, to every worker (`ClusterManagerImpl::postThreadLocalClusterUpdate`,
    /// `postThreadLocalRemoveHosts` in `source/common/upstream/cluster_manager_impl.cc`); here
    /// all of it happens at the phase's instant (see `docs/fidelity.md`), in every Envoy of a
    /// mesh, in fleet order.
    pub(super) fn apply_membership_change(&mut self, group: usize, phase: usize) {
        let Some(change) = &self.membership[group].changes[phase] else {
            return;
        };
        let base = self.group_base[group];
        let hosts =
            |list: &[u32]| -> Vec<usize> { list.iter().map(|&r| base + r as usize).collect() };
        let (leave, join) = (hosts(&change.leave), hosts(&change.join));
        for &h in &leave {
            self.left_eds_at[h] = Some(self.now);
        }
        self.fleet.touch_all();
        for proxy in &mut self.proxies {
            proxy.update_membership(&leave, &join, &mut self.conns, &mut self.pool_events);
        }
    }
}
