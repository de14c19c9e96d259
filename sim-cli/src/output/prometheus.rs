//! Stats as Envoy's admin `/stats/prometheus` prints them: `envoy_cluster_<stat>` with the
//! cluster name as the `envoy_cluster_name` label, response codes extracted into
//! `envoy_response_code` / `envoy_response_code_class` labels, one `# TYPE` line per metric,
//! metrics sorted by name. In mesh mode every Envoy's series carries its `pod` label.

use std::collections::BTreeMap;

use sim_core::envoy::cluster_stats::{Stat, StatKind};
use sim_core::sim::RunResult;

/// Envoy's tag extraction for the stats breakersim produces: `(metric name, extra label)`.
fn metric_of(stat: &str) -> (String, Option<(&'static str, String)>) {
    if let Some(rest) = stat.strip_prefix("upstream_rq_") {
        if let Some(class) = rest.strip_suffix("xx").filter(|c| c.len() == 1)
            && class.chars().all(|ch| ch.is_ascii_digit())
        {
            return (
                "upstream_rq_xx".into(),
                Some(("envoy_response_code_class", class.into())),
            );
        }
        if rest.len() == 3 && rest.chars().all(|ch| ch.is_ascii_digit()) {
            return (
                "upstream_rq".into(),
                Some(("envoy_response_code", rest.into())),
            );
        }
    }
    (stat.replace('.', "_"), None)
}

/// The one Envoy's stats, or in mesh mode each Envoy's with its `pod` label, as a scrape of
/// the fleet gives them (pods in fleet order within each metric).
pub fn render(r: &RunResult) -> String {
    let mut metrics: BTreeMap<String, (StatKind, Vec<String>)> = BTreeMap::new();
    match &r.mesh {
        None => add_metrics(&mut metrics, r, &r.stats, None),
        Some(m) => {
            for e in &m.envoys {
                add_metrics(&mut metrics, r, &e.stats, Some(&e.pod));
            }
        }
    }
    write_metrics(metrics)
}

type Metrics = BTreeMap<String, (StatKind, Vec<String>)>;

fn add_metrics(metrics: &mut Metrics, r: &RunResult, stats: &[Stat], pod: Option<&str>) {
    for s in stats {
        let (metric, extra) = metric_of(&s.name);
        let name = format!("envoy_cluster_{metric}");
        let mut labels = String::new();
        if let Some((k, v)) = extra {
            labels.push_str(&format!("{k}=\"{v}\","));
        }
        labels.push_str(&format!("envoy_cluster_name=\"{}\"", r.cluster));
        if let Some(pod) = pod {
            labels.push_str(&format!(",pod=\"{pod}\""));
        }
        let line = format!("{name}{{{labels}}} {}", s.value);
        metrics
            .entry(name)
            .or_insert_with(|| (s.kind, Vec::new()))
            .1
            .push(line);
    }
}

fn write_metrics(metrics: Metrics) -> String {
    let mut out = String::new();
    for (name, (kind, lines)) in metrics {
        let kind = match kind {
            StatKind::Counter => "counter",
            StatKind::Gauge => "gauge",
        };
        out.push_str(&format!("# TYPE {name} {kind}\n"));
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_codes_become_labels() {
        assert_eq!(
            metric_of("upstream_rq_503"),
            (
                "upstream_rq".into(),
                Some(("envoy_response_code", "503".into()))
            )
        );
        assert_eq!(
            metric_of("upstream_rq_5xx"),
            (
                "upstream_rq_xx".into(),
                Some(("envoy_response_code_class", "5".into()))
            )
        );
        assert_eq!(
            metric_of("upstream_rq_pending_overflow").0,
            "upstream_rq_pending_overflow"
        );
        assert_eq!(
            metric_of("circuit_breakers.default.cx_open").0,
            "circuit_breakers_default_cx_open"
        );
    }
}
