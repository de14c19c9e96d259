//! Envoy's loading rules, each as Envoy reads a config: YAML turned into JSON
//! (`source/common/protobuf/yaml_utility.cc`, `parseYamlNode`) and parsed by protobuf's JSON
//! parser in legacy mode (`src/google/protobuf/json/json.cc` sets `allow_legacy_syntax`; the
//! rules are in `src/google/protobuf/json/internal/parser.cc`). Each expected figure is read
//! off those sources by hand.

use sim_cli::import::{ImportOptions, InputFile, import};
use toml::Table;

use crate::common::root;

/// The scenario a single Envoy file imports to, or the exit code and message.
fn import_one(name: &str, text: &str) -> Result<Table, (i32, String)> {
    let inputs = [InputFile {
        source: name.to_string(),
        text: text.to_string(),
    }];
    match import(&inputs, &ImportOptions::default()) {
        Ok(imported) => Ok(toml::from_str(&imported.scenario).expect("TOML")),
        Err(e) => Err((e.exit_code(), e.to_string())),
    }
}

fn ok(text: &str) -> Table {
    import_one("c.yaml", text).unwrap_or_else(|(_, e)| panic!("{e}"))
}

fn err(text: &str) -> String {
    match import_one("c.yaml", text) {
        Ok(t) => panic!("expected an error, got {t:#?}"),
        Err((code, message)) => {
            assert_eq!(code, 2, "{message}");
            message
        }
    }
}

fn thresholds(t: &Table) -> &Table {
    t["cluster"]["circuit_breakers"]["thresholds"][0]
        .as_table()
        .expect("a thresholds table")
}

fn int(t: &Table, key: &str) -> i64 {
    t[key]
        .as_integer()
        .unwrap_or_else(|| panic!("{key} in {t:#?}"))
}

/// The lab publishes `circuit_breakers.thresholds` as one mapping. protobuf's `ParseField`
/// in legacy mode reads "a single element in place of an array thereof", so Envoy runs the
/// lab with 20/20/100 (the spec's `envoy-circuit-breaker-lab.md`, line 4), not 1024/1024/1024.
#[test]
fn the_labs_single_mapping_thresholds_are_a_list_of_one() {
    let text = std::fs::read_to_string(root().join("scenarios/configs/lab-envoy.yaml")).unwrap();
    let t = ok(&text);
    let th = thresholds(&t);
    assert_eq!(int(th, "max_connections"), 20);
    assert_eq!(int(th, "max_pending_requests"), 20);
    assert_eq!(int(th, "max_requests"), 100);
    assert_eq!(th["priority"].as_str(), Some("DEFAULT"));
}

/// The shipped lab config is the lab's published text byte for byte: its SHA-256 and length
/// are those of the text as the lab publishes it (the spec's `lab-envoy.yaml`, 1,369 bytes,
/// with its single-mapping `thresholds` and its `admin` block).
#[test]
fn the_shipped_lab_config_is_the_labs_text() {
    use sha2::{Digest, Sha256};
    let shipped = std::fs::read(root().join("scenarios/configs/lab-envoy.yaml")).unwrap();
    assert_eq!(shipped.len(), 1369);
    let digest: String = Sha256::digest(&shipped)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        digest,
        "8fd69e47653a357909e4cb51a7acb51f4512b766d66e70885462fe834f9a7705"
    );
}

/// protobuf's `FieldByName` finds a field by its proto name or its json_name, so what
/// `/config_dump` prints in camelCase reads as the snake_case a bootstrap has.
#[test]
fn camel_case_json_names_read_as_proto_names() {
    let snake = ok("name: c\nconnect_timeout: 2s\nlb_policy: LEAST_REQUEST\n\
         circuit_breakers:\n  thresholds:\n  - max_connections: 7\n    max_pending_requests: 3\n\
         outlier_detection:\n  consecutive_5xx: 3\n  base_ejection_time: 60s\n  max_ejection_percent: 50\n");
    let camel = ok("name: c\nconnectTimeout: 2s\nlbPolicy: LEAST_REQUEST\n\
         circuitBreakers:\n  thresholds:\n  - maxConnections: 7\n    maxPendingRequests: 3\n\
         outlierDetection:\n  consecutive5xx: 3\n  baseEjectionTime: 60s\n  maxEjectionPercent: 50\n");
    assert_eq!(snake["cluster"], camel["cluster"]);
    assert_eq!(int(thresholds(&camel), "max_connections"), 7);
    let od = camel["cluster"]["outlier_detection"].as_table().unwrap();
    assert_eq!(int(od, "consecutive_5xx"), 3);
    assert_eq!(od["base_ejection_time"].as_str(), Some("60s"));
}

/// A field written by both names is set twice: protobuf's "has already been set".
#[test]
fn a_field_by_both_names_is_an_error() {
    let message = err("name: c\nconnect_timeout: 2s\nconnectTimeout: 3s\n");
    assert!(message.contains("c.yaml:3:1"), "{message}");
    assert!(message.contains("set twice"), "{message}");
}

/// Integers as strings, and numbers with a zero fraction, are integers (`ParseIntInner`,
/// `ParseFloatStringAsInt`); Envoy's YAML turns integers past 32 bits into strings itself.
#[test]
fn integers_as_strings_or_whole_floats() {
    let t = ok(
        "name: c\ncircuit_breakers:\n  thresholds:\n  - max_connections: \"20\"\n    \
         max_requests: 100.0\n    max_retries: { value: \"4\" }\n",
    );
    let th = thresholds(&t);
    assert_eq!(int(th, "max_connections"), 20);
    assert_eq!(int(th, "max_requests"), 100);
    assert_eq!(int(th, "max_retries"), 4);
}

/// A sign on an unsigned field, a fraction, or a value past 32 bits is refused with its place
/// and the rule; never clamped or wrapped (`ParseUInt`: "integer out of range").
#[test]
fn negative_fractional_and_too_wide_integers_are_errors() {
    let cb =
        |v: &str| format!("name: c\ncircuit_breakers:\n  thresholds:\n  - max_connections: {v}\n");
    for (value, why) in [
        ("-1", "integer out of range"),
        ("20.5", "fractional part"),
        ("4294967296", "integer out of range"),
        ("\"-1\"", "integer out of range"),
        ("\" 20\"", "non-number characters"),
    ] {
        let message = err(&cb(value));
        assert!(message.contains("c.yaml:4:22"), "{value}: {message}");
        assert!(
            message.contains("circuit_breakers.thresholds[0].max_connections"),
            "{value}: {message}"
        );
        assert!(message.contains(why), "{value}: {message}");
        assert!(message.contains("0 to 4294967295"), "{value}: {message}");
    }
}

/// A wrapper (`google.protobuf.UInt32Value`) reads bare or as `{value: N}` (legacy mode parses
/// an object as the wrapper message itself).
#[test]
fn wrappers_bare_or_as_objects() {
    let bare = ok("name: c\noutlier_detection:\n  consecutive_5xx: 4\n");
    let object = ok("name: c\noutlier_detection:\n  consecutive_5xx: { value: 4 }\n");
    assert_eq!(
        bare["cluster"]["outlier_detection"],
        object["cluster"]["outlier_detection"]
    );
}

/// `envoy.type.v3.Percent` is a message, not a wrapper: protobuf reads it only as an object.
#[test]
fn a_percent_is_an_object() {
    let t = ok("name: c\ncommon_lb_config:\n  healthy_panic_threshold: { value: 40 }\n");
    assert_eq!(
        t["cluster"]["common_lb_config"]["healthy_panic_threshold"]["value"].as_float(),
        Some(40.0)
    );
    let message = err("name: c\ncommon_lb_config:\n  healthy_panic_threshold: 40\n");
    assert!(message.contains("c.yaml:3:28"), "{message}");
    assert!(message.contains("{ value: N }"), "{message}");
}

/// A `google.protobuf.Duration` is seconds (`ParseDuration`): `"0.25s"`, not `"250ms"`; or,
/// in legacy mode, `{seconds, nanos}`.
#[test]
fn durations_are_seconds() {
    let t = ok("name: c\nconnect_timeout: 0.25s\n");
    assert_eq!(t["cluster"]["connect_timeout"].as_str(), Some("250ms"));
    let t = ok("name: c\nconnect_timeout: { seconds: 1, nanos: 500000000 }\n");
    assert_eq!(t["cluster"]["connect_timeout"].as_str(), Some("1500ms"));
    let message = err("name: c\noutlier_detection:\n  interval: 250ms\n");
    assert!(message.contains("c.yaml:3:13"), "{message}");
    assert!(message.contains("single 's'"), "{message}");
}

/// Enum names in any case: Envoy sets `case_insensitive_enum_parsing`.
#[test]
fn enum_names_in_any_case() {
    let t = ok(
        "name: c\nlb_policy: least_request\ncircuit_breakers:\n  thresholds:\n  - priority: high\n",
    );
    assert_eq!(t["cluster"]["lb_policy"].as_str(), Some("LEAST_REQUEST"));
    assert_eq!(thresholds(&t)["priority"].as_str(), Some("HIGH"));
}

/// `null` leaves a field unset (`ParseSingular` on `null`), so Envoy's default applies.
#[test]
fn null_leaves_the_default() {
    let t = ok("name: c\nconnect_timeout: ~\n");
    assert_eq!(t["cluster"]["connect_timeout"].as_str(), Some("5s"));
}

/// Bools from strings (`absl::SimpleAtob` in legacy mode).
#[test]
fn bools_from_strings() {
    let t = ok("name: c\ncircuit_breakers:\n  thresholds:\n  - track_remaining: \"yes\"\n");
    assert_eq!(thresholds(&t)["track_remaining"].as_bool(), Some(true));
}

/// A list inside a list is flattened into it (`ParseArray` in legacy mode).
#[test]
fn nested_lists_are_flattened() {
    let t = ok("name: c\ncircuit_breakers:\n  thresholds:\n  - - max_connections: 3\n");
    assert_eq!(int(thresholds(&t), "max_connections"), 3);
}

/// A bootstrap whose virtual host has `retry_policy` and whose route `route_retry` (YAML for
/// the route's `retry_policy`, or nothing).
fn vhost_bootstrap(route_retry: &str) -> String {
    format!(
        "static_resources:
  listeners:
  - name: l
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          \"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: s
          route_config:
            virtual_hosts:
            - name: vh
              domains: [\"*\"]
              retry_policy:
                retry_on: 5xx
                num_retries: 4
              routes:
              - match: {{ prefix: / }}
                route:
                  cluster: c
{route_retry}
  clusters:
  - name: c
"
    )
}

/// Without a `retry_policy` of its own, a route takes its virtual host's whole; with one, the
/// route's wins and the virtual host's is reported as ignored (`buildRetryPolicy`,
/// `source/common/router/config_impl.cc`).
#[test]
fn a_virtual_host_retry_policy_applies_when_the_route_has_none() {
    let t = ok(&vhost_bootstrap(""));
    let rp = t["route"]["retry_policy"]
        .as_table()
        .expect("the vhost's policy");
    assert_eq!(rp["retry_on"].as_str(), Some("5xx"));
    assert_eq!(rp["num_retries"].as_integer(), Some(4));

    let own = "                  retry_policy:\n                    retry_on: reset\n                    num_retries: 1";
    let inputs = [InputFile {
        source: "b.yaml".into(),
        text: vhost_bootstrap(own),
    }];
    let imported = import(&inputs, &ImportOptions::default()).expect("imports");
    let t: Table = toml::from_str(&imported.scenario).unwrap();
    assert_eq!(
        t["route"]["retry_policy"]["retry_on"].as_str(),
        Some("reset")
    );
    assert_eq!(
        t["route"]["retry_policy"]["num_retries"].as_integer(),
        Some(1)
    );
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.to_string().contains("virtual_hosts[0].retry_policy")
                && w.to_string().contains("route's own retry_policy wins")),
        "{:#?}",
        imported.warnings
    );
}

/// An enum by its number (`ParseEnum` takes a number): `lb_policy: 1` is LEAST_REQUEST
/// (`Cluster.LbPolicy` in `cluster.proto`), `priority: 1` is HIGH (`RoutingPriority`).
#[test]
fn enums_by_number() {
    let t = ok("name: c\nlb_policy: 1\ncircuit_breakers:\n  thresholds:\n  - priority: 1\n");
    assert_eq!(t["cluster"]["lb_policy"].as_str(), Some("LEAST_REQUEST"));
    assert_eq!(thresholds(&t)["priority"].as_str(), Some("HIGH"));
    let message = err("name: c\ncircuit_breakers:\n  thresholds:\n  - priority: 7\n");
    assert!(message.contains("c.yaml:4:15"), "{message}");
    assert!(
        message.contains("not a value of envoy.config.core.v3.RoutingPriority"),
        "{message}"
    );
}

/// A key that is no field of a message breakersim simulates is refused, as Envoy refuses an
/// unknown field in static config (`MessageUtil::loadFromJson` → `onUnknownField`); with
/// `--allow-unknown-fields` (Envoy's `--allow-unknown-static-fields`) it is a warning.
#[test]
fn unknown_fields_are_refused_unless_allowed() {
    let text = "name: c\ncircuit_breaker:\n  thresholds:\n  - max_connections: 3\n";
    let message = err(text);
    assert!(message.contains("c.yaml:2:1"), "{message}");
    assert!(
        message.contains("`circuit_breaker` is not a field of envoy.config.cluster.v3.Cluster"),
        "{message}"
    );
    let message = err("name: c\noutlier_detection:\n  consecutive5xxx: 3\n");
    assert!(message.contains("c.yaml:3:3"), "{message}");
    let inputs = [InputFile {
        source: "c.yaml".into(),
        text: text.into(),
    }];
    let opts = ImportOptions {
        allow_unknown_fields: true,
        ..ImportOptions::default()
    };
    let out = import(&inputs, &opts).expect("a warning only");
    assert!(
        out.warnings
            .iter()
            .any(|w| w.severity == sim_core::diagnostic::Severity::Warning
                && w.to_string().contains("c.yaml:2:1")
                && w.to_string().contains("circuit_breaker")),
        "{:#?}",
        out.warnings
    );
}

/// `--strict`: a field breakersim does not model is an error, not a warning.
#[test]
fn strict_makes_unmodelled_fields_errors() {
    let text = "name: c\ndns_lookup_family: V4_ONLY\n";
    assert!(import_one("c.yaml", text).is_ok());
    let inputs = [InputFile {
        source: "c.yaml".into(),
        text: text.into(),
    }];
    let opts = ImportOptions {
        strict: true,
        ..ImportOptions::default()
    };
    let e = import(&inputs, &opts).err().expect("an error");
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("c.yaml:2:1"), "{e}");
    assert!(e.to_string().contains("dns_lookup_family"), "{e}");
}

/// A bootstrap whose clusters come from a CDS file (`dynamic_resources.cds_config`
/// `path_config_source`) names the file to give alongside it; given, its clusters are read.
#[test]
fn a_bootstrap_with_cds_from_a_file_asks_for_the_file() {
    let boot = "dynamic_resources:\n  cds_config:\n    path_config_source:\n      path: /etc/envoy/cds.yaml\n";
    let message = err(boot);
    assert!(message.contains("c.yaml:4:13"), "{message}");
    assert!(message.contains("give that file too"), "{message}");
    let cds = "resources:\n- \"@type\": type.googleapis.com/envoy.config.cluster.v3.Cluster\n  name: from-cds\n";
    let inputs = [
        InputFile {
            source: "c.yaml".into(),
            text: boot.into(),
        },
        InputFile {
            source: "cds.yaml".into(),
            text: cds.into(),
        },
    ];
    let out = import(&inputs, &ImportOptions::default()).expect("imports");
    let t: Table = toml::from_str(&out.scenario).unwrap();
    assert_eq!(t["cluster"]["name"].as_str(), Some("from-cds"));
}

/// A hostile file nested thousands of levels deep is refused, exit 2, never a crash: deeper than
/// protobuf's JSON parser allows (100 levels, `ParseOptions::kDefaultDepth` in
/// `src/google/protobuf/json/internal/lexer.h`: "JSON content was too deeply nested").
#[test]
fn deeply_nested_files_are_refused() {
    for depth in [101, 5000] {
        let text: String = (0..depth)
            .map(|i| format!("{}a{i}:\n", "  ".repeat(i)))
            .collect();
        let path = crate::common::temp_file(&format!("deep-{depth}.yaml"), &text);
        let out = crate::common::breakersim(&["import", path.to_str().unwrap()]);
        assert_eq!(out.code, 2, "{depth}: {}", out.stderr);
        assert!(
            out.stderr.contains("nested more than 100 levels deep"),
            "{}",
            out.stderr
        );
    }
    let ok: String = (0..50)
        .map(|i| format!("{}a{i}:\n", "  ".repeat(i)))
        .collect();
    let path = crate::common::temp_file("deep-50.yaml", &ok);
    let out = crate::common::breakersim(&["import", path.to_str().unwrap()]);
    assert!(!out.stderr.contains("levels deep"), "{}", out.stderr);
}

/// Envoy's proto bounds on the wrapped counts the import reads outside the schema's tables:
/// `max_concurrent_streams` 1 to 2147483647 (`protocol.proto`), `choice_count` at least 2
/// (`cluster.proto`), `load_balancing_weight` at least 1 (`endpoint_components.proto`).
#[test]
fn bounded_counts_are_refused_outside_envoys_bounds() {
    for (text, at) in [
        (
            "name: c\nhttp2_protocol_options:\n  max_concurrent_streams: 0\n",
            "c.yaml:3:27",
        ),
        (
            "name: c\nhttp2_protocol_options:\n  max_concurrent_streams: 2147483648\n",
            "c.yaml:3:27",
        ),
        (
            "name: c\nleast_request_lb_config:\n  choice_count: 1\n",
            "c.yaml:3:17",
        ),
        (
            "name: c\nload_assignment:\n  endpoints:\n  - lb_endpoints:\n    - load_balancing_weight: 0\n",
            "c.yaml:5:30",
        ),
    ] {
        let message = err(text);
        assert!(message.contains(at), "{text}: {message}");
        assert!(message.contains("is out of range"), "{text}: {message}");
    }
    let t = ok("name: c\nhttp2_protocol_options:\n  max_concurrent_streams: 2147483647\n");
    assert_eq!(
        t["cluster"]["http2_protocol_options"]["max_concurrent_streams"].as_integer(),
        Some(2_147_483_647)
    );
}
