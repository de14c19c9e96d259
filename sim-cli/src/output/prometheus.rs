//! Stats as Envoy's admin `/stats/prometheus` prints them (`PrometheusStatsFormatter::
//! statsAsPrometheus`, `source/server/admin/prometheus_stats.cc`): counters, then gauges, then
//! histograms; within each, one group per tag-extracted name in name order, each a `# TYPE`
//! line, its series sorted by their full stat name, and a blank line. Names and tags come from
//! Envoy's default tag extractors (`envoy_tags.rs`). A histogram prints `_bucket{...,le="B"}`
//! for each of Envoy's default buckets, `le="+Inf"`, `_sum` and `_count`
//! (`generateHistogramOutput`), numbers with fmt's `{:.32g}`. In mesh mode every Envoy's series
//! carries its `pod` label, pods in fleet order within a group, as a scrape of the fleet gives
//! them.

use std::collections::BTreeMap;

use sim_core::envoy::cluster_stats::{Stat, StatKind};
use sim_core::envoy::stat_histogram::{ClusterHistograms, DEFAULT_BUCKETS, StatHistogram};
use sim_core::sim::RunResult;

use super::envoy_tags::{Extracted, extract, formatted_tags, metric_name};

/// One Envoy's series: its labels and its stats and histograms.
struct Source<'a> {
    pod: Option<&'a str>,
    stats: &'a [Stat],
    histograms: &'a ClusterHistograms,
}

/// Per metric name: its series, each `(full stat name, source index, text)`.
type Groups = BTreeMap<String, Vec<(String, usize, String)>>;

pub fn render(r: &RunResult) -> String {
    let sources: Vec<Source> = match &r.mesh {
        None => vec![Source {
            pod: None,
            stats: &r.stats,
            histograms: &r.histograms,
        }],
        Some(m) => m
            .envoys
            .iter()
            .map(|e| Source {
                pod: Some(&e.pod),
                stats: &e.stats,
                histograms: &e.histograms,
            })
            .collect(),
    };
    let mut out = String::new();
    for kind in [StatKind::Counter, StatKind::Gauge] {
        let mut groups = Groups::new();
        for (i, s) in sources.iter().enumerate() {
            for stat in s.stats.iter().filter(|st| st.kind == kind) {
                let full = format!("cluster.{}.{}", r.cluster, stat.name);
                let (name, tags) = name_and_tags(&full, s.pod);
                let line = format!("{name}{{{tags}}} {}\n", stat.value);
                groups.entry(name).or_default().push((full, i, line));
            }
        }
        let type_name = match kind {
            StatKind::Counter => "counter",
            StatKind::Gauge => "gauge",
        };
        write_groups(groups, type_name, &mut out);
    }
    let mut groups = Groups::new();
    for (i, s) in sources.iter().enumerate() {
        for (stat, h) in s.histograms.entries() {
            // `upstream_rq_time` is made on its first sample (`CodeStatsImpl::recordHistogram`);
            // `upstream_cx_connect_ms` is one of the cluster's own stats, always there.
            if stat == "upstream_rq_time" && h.count() == 0 {
                continue;
            }
            let full = format!("cluster.{}.{stat}", r.cluster);
            let (name, tags) = name_and_tags(&full, s.pod);
            let text = histogram_lines(&name, &tags, h);
            groups.entry(name).or_default().push((full, i, text));
        }
    }
    write_groups(groups, "histogram", &mut out);
    out
}

/// The Prometheus name and the formatted tags (with `pod` last in mesh mode).
fn name_and_tags(full: &str, pod: Option<&str>) -> (String, String) {
    let Extracted { name, mut tags } = extract(full);
    if let Some(pod) = pod {
        tags.push(("pod", pod.to_string()));
    }
    (metric_name(&name), formatted_tags(&tags))
}

fn write_groups(groups: Groups, type_name: &str, out: &mut String) {
    for (name, mut series) in groups {
        out.push_str(&format!("# TYPE {name} {type_name}\n"));
        series.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        for (_, _, text) in series {
            out.push_str(&text);
        }
        out.push('\n');
    }
}

/// `generateHistogramOutput`.
fn histogram_lines(name: &str, tags: &str, h: &StatHistogram) -> String {
    let hist_tags = if tags.is_empty() {
        String::new()
    } else {
        format!("{tags},")
    };
    let mut out = String::new();
    for (bound, n) in DEFAULT_BUCKETS.iter().zip(h.cumulative()) {
        out.push_str(&format!(
            "{name}_bucket{{{hist_tags}le=\"{}\"}} {n}\n",
            format_g32(*bound)
        ));
    }
    out.push_str(&format!(
        "{name}_bucket{{{hist_tags}le=\"+Inf\"}} {}\n",
        h.count()
    ));
    out.push_str(&format!("{name}_sum{{{tags}}} {}\n", format_g32(h.sum())));
    out.push_str(&format!("{name}_count{{{tags}}} {}\n", h.count()));
    out
}

/// fmt's (and printf's) `%.32g`: 32 significant digits, fixed unless the exponent is below
/// -4 or at least 32, trailing zeros and a trailing point dropped.
pub fn format_g32(x: f64) -> String {
    const P: i32 = 32;
    let sci = format!("{:.*e}", (P - 1) as usize, x);
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let trim = |s: &str| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if (-4..P).contains(&exp) {
        trim(&format!("{:.*}", (P - 1 - exp) as usize, x))
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa), exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g32_matches_printf() {
        assert_eq!(format_g32(0.5), "0.5");
        assert_eq!(format_g32(1.0), "1");
        assert_eq!(format_g32(3600000.0), "3600000");
        assert_eq!(format_g32(0.0), "0");
        // 3.05 is 3.04999999999999982236431605997495353221893310546875 in binary.
        assert_eq!(format_g32(3.05), "3.049999999999999822364316059975");
        // 1e40 is 10000000000000000303786028427003666890752 in binary.
        assert_eq!(format_g32(1e40), "1.0000000000000000303786028427004e+40");
        assert_eq!(format_g32(0.00001), "1.0000000000000000818030539140313e-05");
    }
}
