//! Which traffic policy istiod applies to one cluster of a DestinationRule: the port's
//! `portLevelSettings` entry, then the subset's policy (istio `pilot/pkg/networking/util/util.go`
//! `MergeSubsetTrafficPolicy`, `GetPortLevelTrafficPolicy`, `mergeTrafficPolicy`).

use super::istio::{Version, not_known};
use super::yaml::Node;

/// Which cluster of the DestinationRule: its port and subset, from
/// `outbound|<port>|<subset>|<host>` if given.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub port: Option<u64>,
    pub subset: Option<String>,
    /// The service's FQDN.
    pub host: Option<String>,
}

impl Selection {
    pub fn parse(cluster: Option<&str>) -> Result<Selection, String> {
        let Some(c) = cluster else {
            return Ok(Selection::default());
        };
        let parts: Vec<&str> = c.split('|').collect();
        if parts.len() != 4 || parts[0] != "outbound" {
            return Err(format!(
                "`{c}` is not of the form outbound|<port>|<subset>|<host>, e.g. outbound|9080||reviews.default.svc.cluster.local"
            ));
        }
        Ok(Selection {
            port: parts[1].parse().ok(),
            subset: (!parts[2].is_empty()).then(|| parts[2].to_string()),
            host: (!parts[3].is_empty()).then(|| parts[3].to_string()),
        })
    }
}

/// The policy blocks in force for the cluster, by field name.
pub type Blocks<'y, 'a> = Vec<(&'static str, Node<'y, 'a>)>;

/// The blocks a `portLevelSettings` entry replaces whole, unset ones included
/// (util.go `shadowCopyPortTrafficPolicy`, `mergeTrafficPolicy` with `hasPortLevel`).
const PORT_BLOCKS: [&str; 4] = ["connectionPool", "outlierDetection", "loadBalancer", "tls"];

/// The block only a whole `trafficPolicy` can hold (not a port entry); Istio 1.27+.
const RETRY_BUDGET: &str = "retryBudget";

pub fn block<'y, 'a>(blocks: &Blocks<'y, 'a>, key: &str) -> Option<Node<'y, 'a>> {
    blocks
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, b)| b.clone())
}

/// Sets `key` to the subset's block; the parent's, if any, is reported as replaced.
fn set<'y, 'a>(blocks: &mut Blocks<'y, 'a>, key: &'static str, node: Node<'y, 'a>) {
    if let Some(old) = block(blocks, key) {
        old.ignore_unread(&format!("replaced for this cluster by the subset's {key}"));
    }
    blocks.retain(|(k, _)| *k != key);
    blocks.push((key, node));
}

/// Reports the blocks of `blocks` named in `keys` as not applied to this cluster.
fn drop_blocks(blocks: &mut Blocks, keys: &[&str], why: &str) {
    blocks.retain(|(k, node)| {
        let dropped = keys.contains(k);
        if dropped {
            node.ignore(why);
        }
        !dropped
    });
}

/// One level's policy (the rule's or a subset's): its own blocks, or, when it has a
/// `portLevelSettings` entry for `port`, that entry's blocks alone; and whether it had one.
fn level<'y, 'a>(policy: &Node<'y, 'a>, port: u64, v: Version) -> (Blocks<'y, 'a>, bool) {
    let own = |p: &Node<'y, 'a>, keys: &[&'static str]| -> Blocks<'y, 'a> {
        keys.iter()
            .filter_map(|&k| p.get(k).map(|b| (k, b)))
            .collect()
    };
    let mut keys = PORT_BLOCKS.to_vec();
    match policy.get(RETRY_BUDGET) {
        // cluster_traffic_policy.go `applyRetryBudget`, added by `cef716e3b83` in 1.27.
        Some(b) if v < Version(1, 27) => b.ignore(not_known(v, "1.27", "cef716e3b83")),
        _ => keys.push(RETRY_BUDGET),
    }
    let mut blocks = own(policy, &keys);
    let Some(entry) = port_entry(policy, port) else {
        return (blocks, false);
    };
    let why = format!(
        "not applied to this cluster: the portLevelSettings entry for port {port} replaces the \
         whole policy (istio util.go GetPortLevelTrafficPolicy)"
    );
    drop_blocks(&mut blocks, &keys, &why);
    (own(&entry, &PORT_BLOCKS), true)
}

/// The `portLevelSettings` entry for `port`; the others are reported as other clusters'.
fn port_entry<'y, 'a>(policy: &Node<'y, 'a>, port: u64) -> Option<Node<'y, 'a>> {
    let mut found = None;
    for e in policy.get("portLevelSettings")?.items() {
        let number = e
            .get("port")
            .and_then(|p| p.get("number"))
            .and_then(|n| n.u64());
        match number {
            Some(n) if n == port && found.is_none() => found = Some(e),
            _ => e.ignore_unread(&format!(
                "for the cluster of port {}, not this one (port {port})",
                number.map_or("?".to_string(), |n| n.to_string())
            )),
        }
    }
    found
}

/// The selected subset's `trafficPolicy`; the other subsets are reported as other clusters'.
/// The subset's `labels` choose its hosts, which the synthetic backends stand for.
fn subset_policy<'y, 'a>(spec: &Node<'y, 'a>, sel: &Selection) -> Option<Node<'y, 'a>> {
    let subsets = spec.get("subsets")?.items();
    let mut found = None;
    for s in subsets {
        let name = s.get("name").and_then(|n| n.str());
        if name.is_some() && name == sel.subset.as_deref() && found.is_none() {
            if let Some(labels) = s.get("labels") {
                labels.read_all();
            }
            found = Some(s);
        } else {
            let why = format!("for subset {}'s cluster, not this one", name.unwrap_or("?"));
            s.ignore_unread(&why);
        }
    }
    found?.get("trafficPolicy")
}

/// The traffic policy in force for the selected cluster (util.go `MergeSubsetTrafficPolicy`):
/// the rule's policy, or its port entry whole; then the subset's blocks replace the parent's one
/// by one, except that a subset port entry replaces all of connectionPool, outlierDetection,
/// loadBalancer and tls, unset ones included (`mergeTrafficPolicy`, `hasPortLevel`).
///
/// `retryBudget` is kept from the parent unless the subset's (non-port) policy sets one; before
/// 1.30 see `drop_retry_budget_before_1_30`.
pub fn policy_blocks<'y, 'a>(spec: &Node<'y, 'a>, sel: &Selection, v: Version) -> Blocks<'y, 'a> {
    let port = sel.port.unwrap_or(80);
    let mut blocks = match spec.get("trafficPolicy") {
        Some(tp) => level(&tp, port, v).0,
        None => Vec::new(),
    };
    let Some(tp) = subset_policy(spec, sel) else {
        return blocks;
    };
    let (mut own, port_level) = level(&tp, port, v);
    drop_retry_budget_before_1_30(&mut blocks, &mut own, v);
    if port_level {
        let unset: Vec<&str> = PORT_BLOCKS
            .into_iter()
            .filter(|k| block(&own, k).is_none())
            .collect();
        let why = format!(
            "not applied to this cluster: the subset's portLevelSettings entry for port {port} \
             replaces the whole policy (istio util.go MergeSubsetTrafficPolicy)"
        );
        drop_blocks(&mut blocks, &unset, &why);
    }
    for (k, b) in own {
        set(&mut blocks, k, b);
    }
    blocks
}

/// 1.27-1.29: `ShallowCopyTrafficPolicy` and `mergeTrafficPolicy` (util.go) did not copy
/// `RetryBudget`, so a subset with a trafficPolicy lost both the rule's and its own
/// (istio/istio#59667, fixed by #59668 for 1.30).
fn drop_retry_budget_before_1_30(blocks: &mut Blocks, own: &mut Blocks, v: Version) {
    if !(Version(1, 27)..Version(1, 30)).contains(&v) {
        return;
    }
    let why = format!(
        "istiod {} drops retryBudget from a subset with its own trafficPolicy \
         (istio/istio#59667, fixed in 1.30)",
        v.show()
    );
    drop_blocks(blocks, &[RETRY_BUDGET], &why);
    drop_blocks(own, &[RETRY_BUDGET], &why);
}
