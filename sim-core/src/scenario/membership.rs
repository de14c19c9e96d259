//! EDS membership over a run: which of a backend group's hosts are endpoints of the cluster after
//! each phase, from the group's `replicas` and its phases' `replicas` and `replace`.
//!
//! A group's hosts are numbered in the order they join (`<name>-0`, `<name>-1`, ...); a number is
//! never used twice, so a host that leaves never comes back (a new pod gets a new address, and
//! Envoy a new host). Members are kept oldest first: `replace` takes from the front, scaling down
//! from the back, and joiners go to the back, so EDS lists a group's hosts in joining order.

use std::collections::VecDeque;

use super::BackendGroup;

/// One EDS update of one group: the hosts (numbers within the group) that leave and join.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MembershipChange {
    /// Hosts taken out of EDS, in number order.
    pub leave: Vec<u32>,
    /// Hosts put into EDS, in joining order.
    pub join: Vec<u32>,
}

/// A group's membership plan for the whole run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupMembership {
    /// Hosts the group ever has: numbers `0..hosts`, every one allocated at the start.
    pub hosts: u32,
    /// Hosts in EDS at the start: `0..initial`.
    pub initial: u32,
    /// Per phase, what its EDS update changes (`None`: the phase leaves membership alone).
    pub changes: Vec<Option<MembershipChange>>,
}

/// Why a group's plan cannot be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    /// The group's hosts, counted up to this point (`None`: its `replicas`; `Some((phase,
    /// field))`: that phase's field), pass the cap; `hosts` is the count there.
    TooMany {
        /// Where the count passes the cap.
        at: Option<(usize, &'static str)>,
        /// The group's hosts counted there.
        hosts: u64,
    },
    /// Phase `phase` replaces more hosts than the group then has in EDS.
    ReplaceTooMany {
        /// The phase's index.
        phase: usize,
        /// Its `replace`.
        replace: u32,
        /// The group's hosts in EDS before it.
        members: usize,
    },
}

impl BackendGroup {
    /// Whether any phase changes the group's membership.
    pub fn has_membership_phases(&self) -> bool {
        self.phases
            .iter()
            .any(|p| p.replicas.is_some() || p.replace.is_some())
    }

    /// The group's membership plan, allocating at most `cap` hosts: each phase's `replace`
    /// (oldest out, as many new in), then its `replicas` (new hosts in, or newest out).
    pub fn membership(&self, cap: u64) -> Result<GroupMembership, PlanError> {
        let initial = u64::from(self.replicas);
        if initial > cap {
            return Err(PlanError::TooMany {
                at: None,
                hosts: initial,
            });
        }
        let mut members: VecDeque<u32> = (0..self.replicas).collect();
        let mut next = self.replicas;
        let mut changes = Vec::with_capacity(self.phases.len());
        for (i, phase) in self.phases.iter().enumerate() {
            let mut change = MembershipChange::default();
            if let Some(k) = phase.replace {
                if k as usize > members.len() {
                    return Err(PlanError::ReplaceTooMany {
                        phase: i,
                        replace: k,
                        members: members.len(),
                    });
                }
                check_cap(u64::from(next) + u64::from(k), cap, i, "replace")?;
                change.leave.extend(members.drain(..k as usize));
                change.join.extend(next..next + k);
                next += k;
            }
            if let Some(n) = phase.replicas {
                let have = members.len() as u64 + change.join.len() as u64;
                let n64 = u64::from(n);
                if n64 > have {
                    check_cap(u64::from(next) + (n64 - have), cap, i, "replicas")?;
                    let add = (n64 - have) as u32;
                    change.join.extend(next..next + add);
                    next += add;
                } else {
                    let mut drop = (have - n64) as usize;
                    while drop > 0 && change.join.pop().is_some() {
                        drop -= 1;
                        next -= 1;
                    }
                    let keep = members.len() - drop;
                    change.leave.extend(members.drain(keep..).rev());
                }
            }
            members.extend(&change.join);
            change.leave.sort_unstable();
            let changed = !change.leave.is_empty() || !change.join.is_empty();
            changes.push(changed.then_some(change));
        }
        Ok(GroupMembership {
            hosts: next,
            initial: self.replicas,
            changes,
        })
    }
}

fn check_cap(hosts: u64, cap: u64, phase: usize, field: &'static str) -> Result<(), PlanError> {
    if hosts > cap {
        return Err(PlanError::TooMany {
            at: Some((phase, field)),
            hosts,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Phase;

    fn group(replicas: u32, phases: &[(Option<u32>, Option<u32>)]) -> BackendGroup {
        let mut toml = format!("name = \"v\"\nreplicas = {replicas}\n");
        for (i, (replicas, replace)) in phases.iter().enumerate() {
            toml += &format!("[[phases]]\nat = \"{}s\"\n", i + 1);
            if let Some(n) = replicas {
                toml += &format!("replicas = {n}\n");
            }
            if let Some(k) = replace {
                toml += &format!("replace = {k}\n");
            }
        }
        let table: toml::Table = toml::from_str(&toml).unwrap();
        let g: BackendGroup = toml::Value::Table(table).try_into().unwrap();
        let _: &Vec<Phase> = &g.phases;
        g
    }

    fn change(leave: &[u32], join: &[u32]) -> Option<MembershipChange> {
        Some(MembershipChange {
            leave: leave.to_vec(),
            join: join.to_vec(),
        })
    }

    /// Scale 2 → 4 → 3 → 4: hosts 2 and 3 join, the newest (3) leaves, then a new host 4 joins
    /// (3 is never reused).
    #[test]
    fn scaling_numbers_new_hosts_on_and_removes_the_newest() {
        let m = group(2, &[(Some(4), None), (Some(3), None), (Some(4), None)])
            .membership(100)
            .unwrap();
        assert_eq!(m.hosts, 5);
        assert_eq!(m.initial, 2);
        assert_eq!(
            m.changes,
            vec![change(&[], &[2, 3]), change(&[3], &[]), change(&[], &[4])]
        );
    }

    /// A rolling deploy of 3 hosts one at a time: the oldest leaves as a new one joins.
    #[test]
    fn replace_swaps_the_oldest_for_new_hosts() {
        let m = group(3, &[(None, Some(1)), (None, Some(1)), (None, Some(1))])
            .membership(100)
            .unwrap();
        assert_eq!(m.hosts, 6);
        assert_eq!(
            m.changes,
            vec![change(&[0], &[3]), change(&[1], &[4]), change(&[2], &[5])]
        );
    }

    /// `replace` then `replicas` in one phase; a phase that ends where it started changes
    /// nothing.
    #[test]
    fn replace_then_scale_in_one_update() {
        let m = group(
            2,
            &[(Some(3), Some(2)), (Some(3), None), (Some(1), Some(1))],
        )
        .membership(100)
        .unwrap();
        assert_eq!(
            m.changes,
            vec![change(&[0, 1], &[2, 3, 4]), None, change(&[2, 4], &[])]
        );
        // Phase 3: replace 1 takes out 2 and would bring in 5; scaling to 1 then drops the
        // newest, 5 (so it is never used) and 4, leaving 3.
        assert_eq!(m.hosts, 5);
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            group(2, &[(None, Some(3))]).membership(100),
            Err(PlanError::ReplaceTooMany {
                phase: 0,
                replace: 3,
                members: 2
            })
        );
        assert_eq!(
            group(2, &[(None, Some(1)), (Some(10), None)]).membership(10),
            Err(PlanError::TooMany {
                at: Some((1, "replicas")),
                hosts: 11
            })
        );
        assert_eq!(
            group(20, &[]).membership(10),
            Err(PlanError::TooMany {
                at: None,
                hosts: 20
            })
        );
    }
}
