//! Every real config of `tests/fixtures/real-configs/` (its README gives each file's
//! repository, path and commit; the files are kept byte for byte as published) imports, or
//! exits 2 for the reason Envoy or istiod would refuse it. Each pinned figure was read off the
//! file by hand; the reasons are Envoy's (v2 API removed in 1.18, unknown fields refused in
//! static config) or istiod's (pre-1.0 kinds, no DestinationRule).

use crate::common::{breakersim, root};

/// What importing a file gives.
enum Expect {
    /// Exit 0, with these `path = value` pairs in the scenario (TOML dotted paths, lists by
    /// index).
    Imports(&'static [(&'static str, &'static str)]),
    /// As `Imports`, and each of these in stderr (`--message-format short`, one line per
    /// message): a field breakersim does not model, warned at its place rather than dropped.
    Warns(
        &'static [(&'static str, &'static str)],
        &'static [&'static str],
    ),
    /// Exit 2 with each of these in stderr.
    Refused(&'static [&'static str]),
}

use Expect::{Imports, Refused, Warns};

const NO_CLUSTER: &str = "no Envoy bootstrap, Envoy Cluster or Istio DestinationRule found";
const NO_DR: &str = "no Istio DestinationRule found";
const V2: &str = "is Envoy's v2 API, which Envoy 1.18 removed";

/// Each file, the flags it is imported with, and what it gives.
const CORPUS: &[(&str, &[&str], Expect)] = &[
    (
        "envoy-configs-google-com-proxy-v2.yaml",
        &[],
        Refused(&[V2, "http_connection_manager.v2"]),
    ),
    (
        "envoy-examples-dynamic-config-fs-cds.yaml",
        &[],
        Imports(&[("cluster.name", "example_proxy_cluster")]),
    ),
    (
        "envoy-examples-grpc-bridge-server-envoy-proxy.yaml",
        &[],
        Imports(&[("cluster.name", "backend_grpc_service")]),
    ),
    (
        "envoy-gateway-egctl-translate-cluster-config-dump.yaml",
        &[],
        Refused(&[
            "5 clusters (httproute/default/backend/rule/0",
            "--cluster NAME",
        ]),
    ),
    (
        "envoy-gateway-xds-circuit-breaker-clusters.yaml",
        &[],
        Imports(&[
            ("cluster.name", "first-route-dest"),
            ("cluster.circuit_breakers.thresholds.0.max_connections", "1"),
        ]),
    ),
    (
        "envoy-gateway-xds-passive-failure-percentage-clusters.yaml",
        &[],
        Imports(&[
            ("cluster.name", "dest-1"),
            ("cluster.outlier_detection.consecutive_5xx", "5"),
            ("cluster.outlier_detection.max_ejection_percent", "50"),
        ]),
    ),
    (
        "envoy-gateway-xds-retry-routes.yaml",
        &[],
        Refused(&[NO_CLUSTER]),
    ),
    (
        "envoy-test-integration-server-xds-cds.yaml",
        &[],
        Imports(&[("cluster.name", "cluster_1")]),
    ),
    (
        "envoy-test-integration-server-xds-rds-v2.yaml",
        &[],
        Refused(&[V2, ":3:12"]),
    ),
    (
        "envoy-test-server-valid-v2-but-invalid-v3-bootstrap.yaml",
        &[],
        Refused(&[NO_CLUSTER]),
    ),
    (
        "envoy-test-static-validation-cluster-unknown-field.yaml",
        &[],
        Refused(&[
            ":5:5",
            "`foo` is not a field of envoy.config.cluster.v3.Cluster",
        ]),
    ),
    (
        "istio-analyzers-kubernetes-list-gateways.yaml",
        &[],
        Refused(&[":2:7", "kind Gateway is not supported"]),
    ),
    (
        "istio-conformance-destination-rule-port-level-settings.yaml",
        &[],
        Imports(&[(
            "cluster.name",
            "outbound|80||ratings.prod.svc.cluster.local",
        )]),
    ),
    (
        "istio-gateway-conversion-http-golden.yaml",
        &[],
        Refused(&[NO_DR]),
    ),
    (
        "istio-samples-bookinfo-destination-rule-all.yaml",
        &[],
        Refused(&["4 DestinationRules (productpage.default.svc.cluster.local, reviews"]),
    ),
    (
        "istio-samples-bookinfo-destination-rule-all.yaml",
        &[
            "--cluster",
            "outbound|9080|v2|reviews.default.svc.cluster.local",
        ],
        Imports(&[(
            "cluster.name",
            "outbound|9080|v2|reviews.default.svc.cluster.local",
        )]),
    ),
    (
        "istio-samples-bookinfo-destination-rule-all.yaml",
        &[
            "--cluster",
            "outbound|9080|v9|reviews.default.svc.cluster.local",
        ],
        Refused(&["subset v9 is not defined", "its subsets: v1, v2, v3"]),
    ),
    ("istio-samples-tcp-echo-20-v2.yaml", &[], Refused(&[NO_DR])),
    (
        "istio-samples-v1alpha1-httpbin-circuit-breaker.yaml",
        &[],
        Refused(&[":2:7", "before 1.0"]),
    ),
    (
        "istio-test-artifact-virtualservice-retry-conditions.yaml",
        &[],
        Refused(&[NO_DR]),
    ),
    (
        "istio-tests-destination-rule-all-v1alpha3-2019.yaml",
        &[],
        Imports(&[
            (
                "cluster.name",
                "outbound|80||destall.default.svc.cluster.local",
            ),
            (
                "cluster.circuit_breakers.thresholds.0.max_connections",
                "99",
            ),
            ("cluster.outlier_detection.max_ejection_percent", "11"),
        ]),
    ),
    (
        "istio-tests-destination-rule-all.yaml",
        &[],
        Imports(&[
            (
                "cluster.name",
                "outbound|80||destall.default.svc.cluster.local",
            ),
            (
                "cluster.circuit_breakers.thresholds.0.max_connections",
                "99",
            ),
            (
                "cluster.circuit_breakers.thresholds.0.max_pending_requests",
                "14",
            ),
            ("cluster.circuit_breakers.thresholds.0.max_requests", "33"),
            ("cluster.outlier_detection.base_ejection_time", "60s"),
            ("cluster.connect_timeout", "6s"),
        ]),
    ),
    (
        "istio-tests-upgrade-gateway-virtualservice-retries.yaml",
        &[],
        Refused(&[NO_DR]),
    ),
    (
        "istio-tests-virtual-service-all.yaml",
        &[],
        Refused(&[NO_DR]),
    ),
    (
        "istio-v1alpha2-routerule-multi-rule-timeouts-retries.yaml",
        &[],
        Refused(&[":2:7", "before 1.0"]),
    ),
    (
        "kiali-tests-bookinfo-reviews-all-cb.yaml",
        &[],
        Imports(&[
            (
                "cluster.name",
                "outbound|80||reviews.default.svc.cluster.local",
            ),
            ("cluster.outlier_detection.base_ejection_time", "10s"),
            ("cluster.outlier_detection.max_ejection_percent", "100"),
        ]),
    ),
    (
        "kuma-meshcircuitbreaker-outbound-cluster-limits-outlier-golden.yaml",
        &[],
        Imports(&[
            ("cluster.name", "kri_msvc_default___second-service_80"),
            (
                "cluster.circuit_breakers.thresholds.0.max_connections",
                "2222",
            ),
            ("cluster.circuit_breakers.thresholds.0.max_retries", "5555"),
            ("cluster.outlier_detection.consecutive_5xx", "12"),
            ("cluster.outlier_detection.base_ejection_time", "8s"),
            ("cluster.outlier_detection.max_ejection_percent", "88"),
        ]),
    ),
    (
        "kuma-meshretry-http-listener-golden.yaml",
        &[],
        Refused(&[NO_CLUSTER]),
    ),
    (
        "envoy-examples-dynamic-config-cp-config-dump-v2-cluster.json",
        &[],
        Refused(&[V2, ":4:16"]),
    ),
    (
        "envoy-gateway-egctl-config-cluster-camelcase.json",
        &[
            "--cluster",
            "default-backend-rule-0-match-0-www.example.com",
        ],
        Imports(&[("cluster.connect_timeout", "5s")]),
    ),
    (
        "espv2-sidecar-backend-envoy-config-camelcase.json",
        &["--cluster", "metadata-cluster"],
        Imports(&[("cluster.name", "metadata-cluster")]),
    ),
    (
        "istio-bootstrap-default-golden.json",
        &["--cluster", "xds-grpc"],
        Imports(&[("cluster.name", "xds-grpc")]),
    ),
    (
        "istio-istioctl-describe-http-config-dump.json",
        &[],
        Imports(&[(
            "cluster.name",
            "outbound|9080|v1|productpage.default.svc.cluster.local",
        )]),
    ),
    (
        "istio-pilot-envoy-v1-api-cds-circuit-breaker-golden.json",
        &[],
        Refused(&[NO_CLUSTER]),
    ),
    (
        "istio-pilot-xds-none-cds-go-struct.json",
        &[],
        Refused(&[NO_CLUSTER]),
    ),
    (
        "kiali-cypress-reviews-destinationrule-null-trafficpolicy.json",
        &[],
        Imports(&[(
            "cluster.name",
            "outbound|80||reviews.bookinfo.svc.cluster.local",
        )]),
    ),
    (
        "kuma-envoy-admin-full-config-dump.json",
        &["--cluster", "localhost:10011"],
        Imports(&[("cluster.name", "localhost:10011")]),
    ),
    (
        "osm-verifier-config-dump-bookbuyer.json",
        &["--cluster", "bookstore/bookstore"],
        Imports(&[("cluster.name", "bookstore/bookstore")]),
    ),
    (
        "envoy-examples-locality-load-balancing-priorities-health-checks.yaml",
        &[],
        Warns(
            &[
                ("cluster.name", "backend"),
                ("cluster.connect_timeout", "5s"),
                ("cluster.lb_policy", "ROUND_ROBIN"),
                ("route.timeout", "15s"),
                ("backends.0.replicas", "1"),
                ("backends.1.priority", "1"),
                ("backends.1.replicas", "2"),
                ("backends.2.priority", "2"),
                ("backends.2.replicas", "1"),
            ],
            &[
                ":41:5: static_resources.clusters[0].health_checks is not modelled",
                ":40:7: static_resources.clusters[0].common_lb_config.locality_weighted_lb_config",
            ],
        ),
    ),
    (
        "envoy-examples-redis-proxy-maglev.yaml",
        &[],
        Warns(
            &[
                ("cluster.name", "redis_cluster"),
                ("cluster.connect_timeout", "5s"),
                ("cluster.lb_policy", "ROUND_ROBIN"),
            ],
            &[
                ":22:16: static_resources.clusters[0].lb_policy: lb_policy MAGLEV is not modelled",
                ":10:15: static_resources.listeners[0].filter_chains[0].filters[0].name: cluster \
                 redis_cluster is reached through envoy.filters.network.redis_proxy, not an HTTP \
                 connection manager",
            ],
        ),
    ),
    (
        "envoy-gateway-xds-panic-threshold-clusters.yaml",
        &[],
        Refused(&["5 clusters (first-route-dest", "--cluster NAME"]),
    ),
    (
        "envoy-gateway-xds-panic-threshold-clusters.yaml",
        &["--cluster", "first-route-dest"],
        Imports(&[
            ("cluster.connect_timeout", "10s"),
            ("cluster.lb_policy", "LEAST_REQUEST"),
            ("cluster.circuit_breakers.thresholds.0.max_retries", "1024"),
            (
                "cluster.common_lb_config.healthy_panic_threshold.value",
                "66.0",
            ),
        ]),
    ),
    (
        "envoy-gateway-xds-panic-threshold-clusters.yaml",
        &["--cluster", "third-route-dest"],
        Imports(&[(
            "cluster.common_lb_config.healthy_panic_threshold.value",
            "20.0",
        )]),
    ),
    (
        "envoy-gateway-xds-load-balancer-clusters.yaml",
        &["--cluster", "second-route-dest"],
        Imports(&[
            ("cluster.lb_policy", "RANDOM"),
            ("cluster.connect_timeout", "10s"),
        ]),
    ),
    (
        "envoy-gateway-xds-load-balancer-clusters.yaml",
        &["--cluster", "fourth-route-dest"],
        Warns(
            &[("cluster.lb_policy", "ROUND_ROBIN")],
            &[
                ":85:9: [3].loadBalancingPolicy.policies[0].typedExtensionConfig: envoy.extensions.load_balancing_policies.maglev.v3.Maglev is not modelled",
            ],
        ),
    ),
    (
        "envoy-gateway-xds-load-balancer-clusters.yaml",
        &["--cluster", "fifth-route-dest"],
        Warns(
            &[("cluster.lb_policy", "LEAST_REQUEST")],
            &[
                ":111:11: [4].loadBalancingPolicy.policies[0].typedExtensionConfig.typedConfig.slowStartConfig is not modelled",
            ],
        ),
    ),
    (
        "envoy-gateway-xds-load-balancer-clusters.yaml",
        &["--cluster", "sixteenth-route-dest"],
        Warns(
            &[("cluster.lb_policy", "ROUND_ROBIN")],
            &["ClientSideWeightedRoundRobin is not modelled"],
        ),
    ),
    (
        "kuma-meshhealthcheck-http-health-check-cluster-golden.yaml",
        &[],
        Warns(
            &[
                ("cluster.name", "kri_msvc_default___echo-http_80"),
                ("cluster.connect_timeout", "5s"),
                ("cluster.lb_policy", "ROUND_ROBIN"),
            ],
            &[
                ":2:3: commonLbConfig.zoneAwareLbConfig is not modelled",
                ":4:1: healthChecks is not modelled",
            ],
        ),
    ),
    (
        "kuma-meshloadbalancingstrategy-ring-hash-resource-wrappers-golden.yaml",
        &[],
        Refused(&[":2:3", "a resource with no `@type`"]),
    ),
    (
        "kuma-meshcircuitbreaker-inbound-panic-threshold-fraction-golden.yaml",
        &[],
        Warns(
            &[
                ("cluster.name", "self_inbound_dp_80"),
                (
                    "cluster.circuit_breakers.thresholds.0.max_connections",
                    "2222",
                ),
                (
                    "cluster.circuit_breakers.thresholds.0.max_pending_requests",
                    "3333",
                ),
                ("cluster.circuit_breakers.thresholds.0.max_requests", "4444"),
                ("cluster.circuit_breakers.thresholds.0.max_retries", "5555"),
                (
                    "cluster.circuit_breakers.thresholds.0.track_remaining",
                    "true",
                ),
                (
                    "cluster.common_lb_config.healthy_panic_threshold.value",
                    "30.2",
                ),
                ("cluster.outlier_detection.consecutive_5xx", "12"),
                (
                    "cluster.outlier_detection.consecutive_gateway_failure",
                    "91",
                ),
                (
                    "cluster.outlier_detection.consecutive_local_origin_failure",
                    "3",
                ),
                (
                    "cluster.outlier_detection.split_external_local_origin_errors",
                    "true",
                ),
                (
                    "cluster.outlier_detection.success_rate_stdev_factor",
                    "1900",
                ),
                (
                    "cluster.outlier_detection.failure_percentage_threshold",
                    "80",
                ),
                ("cluster.outlier_detection.max_ejection_percent", "88"),
            ],
            &[":3:5: circuitBreakers.thresholds[0].maxConnectionPools is not modelled"],
        ),
    ),
    (
        "argo-rollouts-istio-subset-split-service-vs-dr-rollout.yaml",
        &[],
        Warns(
            &[
                (
                    "cluster.name",
                    "outbound|80|stable|istio-subset-split.default.svc.cluster.local",
                ),
                ("cluster.connect_timeout", "10s"),
                ("cluster.lb_policy", "LEAST_REQUEST"),
                (
                    "cluster.circuit_breakers.thresholds.0.max_connections",
                    "4294967295",
                ),
                ("route.timeout", "0s"),
                ("route.istio_default_retry_policy", "1.30"),
            ],
            &[
                ":3:7: kind: kind Service is skipped",
                ":52:7: kind: kind Rollout is skipped",
                ":30:7: spec.http[0].route[1].destination is not modelled",
            ],
        ),
    ),
    (
        "kiali-tests-request-timeouts-reviews-three-way-split.yaml",
        &[],
        Warns(
            &[
                (
                    "cluster.name",
                    "outbound|80|v1|reviews.default.svc.cluster.local",
                ),
                ("route.timeout", "2s"),
                ("route.istio_default_retry_policy", "1.30"),
            ],
            &[
                ":17:11: spec.http[0].route[1].destination is not modelled",
                ":21:11: spec.http[0].route[2].destination is not modelled",
            ],
        ),
    ),
    (
        "kiali-tests-request-timeouts-reviews-three-way-split.yaml",
        &[
            "--cluster",
            "outbound|80|v3|reviews.default.svc.cluster.local",
        ],
        Imports(&[
            (
                "cluster.name",
                "outbound|80|v3|reviews.default.svc.cluster.local",
            ),
            ("route.timeout", "2s"),
        ]),
    ),
    (
        "istio-gateway-conversion-backend-lb-policy-retry-budget-golden.yaml",
        &[],
        Warns(
            &[
                (
                    "cluster.name",
                    "outbound|80||echo.default.svc.domain.suffix",
                ),
                ("cluster.lb_policy", "LEAST_REQUEST"),
                (
                    "cluster.circuit_breakers.thresholds.0.retry_budget.budget_percent.value",
                    "30.0",
                ),
                (
                    "cluster.circuit_breakers.thresholds.0.retry_budget.min_retry_concurrency",
                    "5",
                ),
            ],
            &[":13:7: spec.trafficPolicy.retryBudget.budgetInterval is not modelled"],
        ),
    ),
    (
        "istio-tests-destination-rule-passthrough-wildcard.yaml",
        &[],
        Refused(&[
            ":7:9",
            "host \"*.foo.com\" applies the rule to every service it matches",
        ]),
    ),
    (
        "istio-tests-destination-rule-passthrough-wildcard.yaml",
        &["--cluster", "outbound|443||api.foo.com"],
        Warns(
            &[
                ("cluster.name", "outbound|443||api.foo.com"),
                ("cluster.lb_policy", "LEAST_REQUEST"),
            ],
            &[
                ":10:7: spec.trafficPolicy.loadBalancer.simple is ignored: istiod makes a PASSTHROUGH cluster ORIGINAL_DST",
            ],
        ),
    ),
    (
        "envoy-configs-google-vrp-edge-clusters-as-mapping.yaml",
        &[],
        Warns(
            &[
                ("cluster.name", "service_foo"),
                ("cluster.connect_timeout", "5s"),
                ("cluster.lb_policy", "ROUND_ROBIN"),
                ("route.timeout", "15s"),
            ],
            &[
                ":68:19: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.idle_timeout is not modelled",
            ],
        ),
    ),
    (
        "envoy-configs-ep-pooling-test-ep-specific-options.yaml",
        &[],
        Warns(
            &[
                ("cluster.name", "cluster_0"),
                ("cluster.lb_policy", "ROUND_ROBIN"),
                (
                    "cluster.http2_protocol_options.max_concurrent_streams",
                    "100",
                ),
                ("backends.0.replicas", "1"),
                ("backends.1.replicas", "1"),
            ],
            &[
                ":54:7: static_resources.clusters[0].typed_extension_protocol_options.envoy.extensions.upstreams.http.v3.EpSpecificHttpProtocolOptions is not modelled by breakersim and is ignored\n",
            ],
        ),
    ),
];

/// The value at a dotted path of a TOML table, as text.
fn at(table: &toml::Table, path: &str) -> Option<String> {
    let mut value: &toml::Value = table.get(path.split('.').next()?)?;
    for part in path.split('.').skip(1) {
        value = match part.parse::<usize>() {
            Ok(i) => value.get(i)?,
            Err(_) => value.get(part)?,
        };
    }
    Some(match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

#[test]
fn every_real_config_imports_or_is_refused_for_envoys_reason() {
    let dir = root().join("tests/fixtures/real-configs");
    for (file, flags, expect) in CORPUS {
        let path = dir.join(file).display().to_string();
        let mut args = vec!["import", path.as_str()];
        args.extend_from_slice(flags);
        let out = breakersim(&args);
        let (pairs, warned): (&[(&str, &str)], &[&str]) = match expect {
            Imports(pairs) => (pairs, &[]),
            Warns(pairs, warned) => (pairs, warned),
            Refused(parts) => {
                assert_eq!(out.code, 2, "{file}: {}", out.stdout);
                for p in *parts {
                    assert!(
                        out.stderr.contains(p),
                        "{file}: {p:?} not in {}",
                        out.stderr
                    );
                }
                continue;
            }
        };
        assert_eq!(out.code, 0, "{file}: {}", out.stderr);
        let table: toml::Table = toml::from_str(&out.stdout).expect("TOML");
        for (p, want) in pairs {
            assert_eq!(at(&table, p).as_deref(), Some(*want), "{file}: {p}");
        }
        let errors = out.stderr.lines().filter(|l| l.starts_with("error"));
        assert_eq!(errors.count(), 0, "{file}: {}", out.stderr);
        for w in warned {
            assert!(
                out.stderr.contains(w),
                "{file}: {w:?} not in {}",
                out.stderr
            );
        }
    }
}

/// Every file of the corpus is pinned here, and every pinned file is in the README.
#[test]
fn the_corpus_is_pinned_and_documented() {
    let dir = root().join("tests/fixtures/real-configs");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    files.sort();
    for f in &files {
        assert!(CORPUS.iter().any(|(c, _, _)| c == f), "{f} is not pinned");
        assert!(readme.contains(f.as_str()), "{f} is not in the README");
    }
}
