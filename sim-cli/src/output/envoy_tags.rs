//! Envoy's default tag extraction for the stats breakersim has, and the Prometheus names the
//! admin handler makes of them.
//!
//! The extractors are Envoy's defaults from `TagNameValues::TagNameValues()`
//! (`source/common/config/well_known_names.cc`), applied as `TagProducerImpl::produceTags`
//! (`source/common/stats/tag_producer_impl.cc`) applies them: every extractor reads the whole
//! name, the ones without a prefix token first (`RESPONSE_CODE`, `RESPONSE_CODE_CLASS`), then
//! those keyed by the name's first token (`cluster`: `CLUSTER_NAME`); the tags come out in that
//! order and the characters each one matched are removed together at the end:
//!
//! - `envoy.response_code`: RE2 `_rq(_(\d{3}))$`; removes `_<code>`, the value is `<code>`.
//! - `envoy.response_code_class`: RE2 `_rq_((\d))xx$`; removes the digit.
//! - `envoy.cluster_name`: tokenized `cluster.$.**` (`TagExtractorTokensImpl`,
//!   `source/common/stats/tag_extractor_impl.cc`): the one dot-separated token after
//!   `cluster.` and the dot after it. A cluster name with dots therefore gives only its first
//!   token as the tag, the rest staying in the metric name, as Envoy's default does (Istio's
//!   bootstrap replaces this extractor with its own `cluster_name` regex).
//!
//! The other default extractors need tokens no cluster stat here has (`grpc`, `ssl`,
//! `ext_authz`), unless a cluster name contains them; that case is not modelled.
//!
//! Names and tag names are then sanitised by `sanitizeName` (`[^a-zA-Z0-9_]` → `_`) and
//! prefixed `envoy_` by `PrometheusStatsFormatter::metricName`
//! (`source/server/admin/prometheus_stats.cc`).

/// A stat's tag-extracted name and its tags, `(tag name, value)`, in Envoy's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extracted {
    pub name: String,
    pub tags: Vec<(&'static str, String)>,
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// One extractor: the byte range of the name it removes and the tag's value.
type Extractor = fn(&str) -> Option<(std::ops::Range<usize>, &str)>;

/// `RESPONSE_CODE`: the byte range to remove and the value.
fn response_code(name: &str) -> Option<(std::ops::Range<usize>, &str)> {
    let n = name.len();
    let code = name.get(n.checked_sub(3)?..)?;
    let before = name.get(..n - 3)?;
    (is_digits(code) && before.ends_with("_rq_")).then(|| (n - 4..n, code))
}

/// `RESPONSE_CODE_CLASS`.
fn response_code_class(name: &str) -> Option<(std::ops::Range<usize>, &str)> {
    let rest = name.strip_suffix("xx")?;
    let n = rest.len();
    let digit = rest.get(n.checked_sub(1)?..)?;
    (is_digits(digit) && rest[..n - 1].ends_with("_rq_")).then(|| (n - 1..n, digit))
}

/// `CLUSTER_NAME` (`cluster.$.**`).
fn cluster_name(name: &str) -> Option<(std::ops::Range<usize>, &str)> {
    let rest = name.strip_prefix("cluster.")?;
    let start = "cluster.".len();
    match rest.find('.') {
        Some(dot) => Some((start..start + dot + 1, &rest[..dot])),
        // The last token: the dot before it goes instead.
        None => Some((start - 1..name.len(), rest)),
    }
}

/// Envoy's default tag extraction of a full stat name (`cluster.<name>.<stat>`).
pub fn extract(full: &str) -> Extracted {
    let mut removed: Vec<std::ops::Range<usize>> = Vec::new();
    let mut tags = Vec::new();
    let extractors: [(&'static str, Extractor); 3] = [
        ("envoy.response_code", response_code),
        ("envoy.response_code_class", response_code_class),
        ("envoy.cluster_name", cluster_name),
    ];
    for (tag, f) in extractors {
        if let Some((range, value)) = f(full) {
            tags.push((tag, value.to_string()));
            removed.push(range);
        }
    }
    let name = full
        .char_indices()
        .filter(|(i, _)| !removed.iter().any(|r| r.contains(i)))
        .map(|(_, c)| c)
        .collect();
    Extracted { name, tags }
}

/// `sanitizeName`: every character outside `[a-zA-Z0-9_]` becomes `_`.
pub fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `PrometheusStatsFormatter::metricName` for a name outside any custom namespace.
pub fn metric_name(extracted: &str) -> String {
    format!("envoy_{}", sanitize(extracted))
}

/// `formattedTags`: `name="value"` joined by commas, tag names sanitised, values as they are.
pub fn formatted_tags(tags: &[(&str, String)]) -> String {
    tags.iter()
        .map(|(k, v)| format!("{}=\"{v}\"", sanitize(k)))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(full: &str) -> Vec<(&'static str, String)> {
        extract(full).tags
    }

    // Worked out by hand from the regexes in well_known_names.cc (see the module comment).
    #[test]
    fn response_codes_and_classes() {
        let e = extract("cluster.demo.upstream_rq_503");
        assert_eq!(e.name, "cluster.upstream_rq");
        assert_eq!(
            e.tags,
            vec![
                ("envoy.response_code", "503".to_string()),
                ("envoy.cluster_name", "demo".to_string())
            ]
        );
        let e = extract("cluster.demo.upstream_rq_5xx");
        assert_eq!(e.name, "cluster.upstream_rq_xx");
        assert_eq!(tags("cluster.demo.upstream_rq_5xx")[0].1, "5");
        assert_eq!(
            extract("cluster.demo.retry.upstream_rq_503").name,
            "cluster.retry.upstream_rq"
        );
        // `_rq_` must come right before the digits, and `\d{3}$` wants exactly three.
        assert_eq!(
            extract("cluster.demo.upstream_rq_pending_overflow").name,
            "cluster.upstream_rq_pending_overflow"
        );
        assert_eq!(
            extract("cluster.demo.outlier_detection.ejections_consecutive_5xx").name,
            "cluster.outlier_detection.ejections_consecutive_5xx"
        );
        assert_eq!(extract("cluster.demo.upstream_rq_5033").tags.len(), 1);
    }

    #[test]
    fn a_cluster_name_is_one_token() {
        let e = extract("cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_200");
        assert_eq!(e.name, "cluster.default.svc.cluster.local.upstream_rq");
        assert_eq!(
            e.tags[1],
            ("envoy.cluster_name", "outbound|9080||reviews".into())
        );
        assert_eq!(
            metric_name(&e.name),
            "envoy_cluster_default_svc_cluster_local_upstream_rq"
        );
    }

    #[test]
    fn names_are_sanitised_and_prefixed() {
        let e = extract("cluster.demo.circuit_breakers.default.cx_open");
        assert_eq!(
            metric_name(&e.name),
            "envoy_cluster_circuit_breakers_default_cx_open"
        );
        assert_eq!(formatted_tags(&e.tags), "envoy_cluster_name=\"demo\"");
    }
}
