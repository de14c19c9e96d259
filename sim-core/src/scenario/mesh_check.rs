//! The checks of mesh mode that span tables: unique group names, each client's group and
//! split, and no `[[proxies]]` without Envoy.

use super::{ProxyKind, Scenario};
use crate::schema::{Invalid, PathSegment};

fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_string())
}

/// `[[proxies]]` and the clients' `proxy_group` and `split` agree.
pub fn validate_mesh(s: &Scenario) -> Result<(), Invalid> {
    let mut names = std::collections::BTreeSet::new();
    for (i, g) in s.proxies.iter().enumerate() {
        let path = vec![key("proxies"), PathSegment::Index(i), key("name")];
        if s.proxy == ProxyKind::None {
            return Err(Invalid::new(
                vec![key("proxies")],
                "[[proxies]] needs Envoy; it cannot stand beside proxy = \"none\"",
            ));
        }
        if !names.insert(g.name.as_str()) {
            return Err(Invalid::new(
                path,
                format!(
                    "proxy group names must be unique; `{}` is used twice",
                    g.name
                ),
            ));
        }
    }
    for (i, c) in s.clients.iter().enumerate() {
        let path = |field: &str| vec![key("clients"), PathSegment::Index(i), key(field)];
        if s.proxies.is_empty() {
            for (field, set) in [
                ("proxy_group", c.proxy_group.is_some()),
                ("split", c.split.is_some()),
            ] {
                if set {
                    return Err(Invalid::new(
                        path(field),
                        "applies only to a scenario with [[proxies]] (mesh mode)",
                    ));
                }
            }
            continue;
        }
        match &c.proxy_group {
            None if s.proxies.len() > 1 => {
                return Err(Invalid::new(
                    path("proxy_group"),
                    "with two [[proxies]] groups or more, each client names the one it sends through",
                )
                .expected(group_names(s)));
            }
            Some(name) if !s.proxies.iter().any(|g| &g.name == name) => {
                return Err(Invalid::new(
                    path("proxy_group"),
                    format!("no [[proxies]] group is named `{name}`"),
                )
                .expected(group_names(s)));
            }
            _ => {}
        }
    }
    Ok(())
}

fn group_names(s: &Scenario) -> String {
    let names: Vec<String> = s.proxies.iter().map(|g| format!("`{}`", g.name)).collect();
    format!("one of {}", names.join(", "))
}
