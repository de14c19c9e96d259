//! `--set PATH=VALUE`: replace any scenario field by its dotted path before validation; and
//! removing one (a sweep baseline's `unset`), so that it takes its default or, for an optional
//! table such as `cluster.outlier_detection`, is absent.

use toml::{Table, Value};

/// One parsed `--set` argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// The argument as given, for messages.
    pub raw: String,
    /// Path segments: keys, or array indices written as numbers (`clients.0.rate`).
    pub path: Vec<String>,
    /// The value after `=`, read as TOML (a bare word that is not TOML is taken as a string).
    pub value: Value,
}

impl Override {
    /// Parses `PATH=VALUE`. VALUE is read as a TOML value when it is one (`20`, `true`,
    /// `"5s"`, `{ constant = "2ms" }`), otherwise taken as a string (`5s`).
    pub fn parse(arg: &str) -> Result<Override, String> {
        let (path, value) = arg.split_once('=').ok_or_else(|| {
            "no `=` in it, expected PATH=VALUE, e.g. cluster.connect_timeout=1s".to_string()
        })?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(
                "the path must be dotted field names, e.g. cluster.circuit_breakers.thresholds.0.max_connections".to_string()
            );
        }
        Ok(Override {
            raw: arg.to_string(),
            path: path.split('.').map(str::to_string).collect(),
            value: parse_value(value.trim()),
        })
    }

    /// The path in the notation of error messages (`a.b[0].c`).
    pub fn display_path(&self) -> String {
        crate::schema::display_dotted(&self.path)
    }
}

fn parse_value(text: &str) -> Value {
    toml::from_str::<Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_string()))
}

/// Sets the field at `o.path` in `root`, creating missing tables on the way. Setting one of a
/// route's two retry policies (`retry_policy`, `istio_default_retry_policy`) removes the other,
/// as the override replaces whatever retry policy the file had.
pub fn apply_override(root: &mut Table, o: &Override) -> Result<(), String> {
    drop_other_retry_policy(root, &o.path);
    let (first, rest) = o.path.split_first().expect("paths are never empty");
    let Some((last, middle)) = rest.split_last() else {
        root.insert(first.clone(), o.value.clone());
        return Ok(());
    };
    if !root.contains_key(first) && is_index(rest[0].as_str()) {
        return Err(no_list_entries(first));
    }
    let mut here = root
        .entry(first.clone())
        .or_insert_with(|| Value::Table(Table::new()));
    let mut walked = first.clone();
    for (i, seg) in middle.iter().enumerate() {
        let next = middle.get(i + 1).unwrap_or(last);
        here = step(here, seg, next, &walked)?;
        push_segment(&mut walked, seg);
    }
    match here {
        Value::Table(t) => {
            t.insert(last.clone(), o.value.clone());
            Ok(())
        }
        Value::Array(items) => {
            *array_slot(items, last, &walked)? = o.value.clone();
            Ok(())
        }
        _ => Err(format!(
            "`{walked}` is not a table, so it has no field `{last}`"
        )),
    }
}

/// Removes the field at the dotted `path` (keys, and list indices written as numbers on the
/// way: `clients.0.rate`) from `root`. A field that is not there is an error: a misspelt path
/// would otherwise change nothing, silently.
pub fn remove_field(root: &mut Table, path: &str) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "`{path}` is not a dotted field path, e.g. cluster.outlier_detection"
        ));
    }
    let (last, parents) = segments.split_last().expect("split never gives nothing");
    if is_index(last) {
        return Err(format!(
            "`{path}` is a list entry: unset removes fields, not entries of a list"
        ));
    }
    let missing = || format!("`{path}` is not in the scenario, so it cannot be unset");
    let table = match parents.split_first() {
        None => root,
        Some((first, rest)) => {
            let mut here = root.get_mut(*first).ok_or_else(missing)?;
            for seg in rest {
                here = child(here, seg).ok_or_else(missing)?;
            }
            here.as_table_mut().ok_or_else(missing)?
        }
    };
    table.remove(*last).map(drop).ok_or_else(missing)
}

/// The field `seg` of a table, or the entry `seg` (a number) of a list.
fn child<'a>(here: &'a mut Value, seg: &str) -> Option<&'a mut Value> {
    match here {
        Value::Table(t) => t.get_mut(seg),
        Value::Array(items) => items.get_mut(seg.parse::<usize>().ok()?),
        _ => None,
    }
}

fn drop_other_retry_policy(root: &mut Table, path: &[String]) {
    let other = match path {
        [route, policy, ..] if route == "route" && policy == "retry_policy" => {
            "istio_default_retry_policy"
        }
        [route, policy] if route == "route" && policy == "istio_default_retry_policy" => {
            "retry_policy"
        }
        _ => return,
    };
    if let Some(Value::Table(route)) = root.get_mut("route") {
        route.remove(other);
    }
}

fn is_index(seg: &str) -> bool {
    seg.parse::<usize>().is_ok()
}

fn no_list_entries(path: &str) -> String {
    format!(
        "`{path}` is not in the file, and --set cannot add list entries: add the [[{path}]] table to the file first"
    )
}

/// One step down from `here` by `seg`; a missing table is created unless the step after it
/// indexes a list, which `--set` cannot create.
fn step<'a>(
    here: &'a mut Value,
    seg: &str,
    next: &str,
    walked: &str,
) -> Result<&'a mut Value, String> {
    match here {
        Value::Table(t) => {
            if !t.contains_key(seg) && is_index(next) {
                return Err(no_list_entries(&format!("{walked}.{seg}")));
            }
            Ok(t.entry(seg.to_string())
                .or_insert_with(|| Value::Table(Table::new())))
        }
        Value::Array(items) => array_slot(items, seg, walked),
        _ => Err(format!(
            "`{walked}` is not a table, so it has no field `{seg}`"
        )),
    }
}

fn array_slot<'a>(
    items: &'a mut [Value],
    seg: &str,
    walked: &str,
) -> Result<&'a mut Value, String> {
    let index: usize = seg
        .parse()
        .map_err(|_| format!("`{walked}` is a list: index it with a number, e.g. {walked}.0"))?;
    let len = items.len();
    items
        .get_mut(index)
        .ok_or_else(|| format!("`{walked}` has {len} entries, so index {index} is out of range"))
}

fn push_segment(walked: &mut String, seg: &str) {
    if !walked.is_empty() {
        walked.push('.');
    }
    walked.push_str(seg);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn values_parse_as_toml_when_they_can() {
        assert_eq!(Override::parse("a=20").unwrap().value, Value::Integer(20));
        assert_eq!(
            Override::parse("a=true").unwrap().value,
            Value::Boolean(true)
        );
        assert_eq!(
            Override::parse("a=5s").unwrap().value,
            Value::String("5s".into())
        );
        assert_eq!(
            Override::parse("a=\"5s\"").unwrap().value,
            Value::String("5s".into())
        );
        assert!(
            Override::parse("a={ constant = \"2ms\" }")
                .unwrap()
                .value
                .is_table()
        );
    }

    #[test]
    fn sets_nested_fields_and_list_entries() {
        let mut t = table("[cluster]\nname = \"c\"\n[[clients]]\nrate = 1.0\n");
        apply_override(
            &mut t,
            &Override::parse("cluster.connect_timeout=1s").unwrap(),
        )
        .unwrap();
        apply_override(&mut t, &Override::parse("clients.0.rate=50.0").unwrap()).unwrap();
        apply_override(&mut t, &Override::parse("route.timeout=0s").unwrap()).unwrap();
        assert_eq!(t["cluster"]["connect_timeout"].as_str(), Some("1s"));
        assert_eq!(t["clients"][0]["rate"].as_float(), Some(50.0));
        assert_eq!(t["route"]["timeout"].as_str(), Some("0s"));
    }

    #[test]
    fn setting_one_retry_policy_replaces_the_other() {
        let mut t = table("[route]\nistio_default_retry_policy = \"1.30\"\n");
        let set = |t: &mut Table, s: &str| apply_override(t, &Override::parse(s).unwrap());
        set(&mut t, "route.retry_policy.num_retries=2").unwrap();
        assert_eq!(t["route"].get("istio_default_retry_policy"), None);
        assert_eq!(
            t["route"]["retry_policy"]["num_retries"].as_integer(),
            Some(2)
        );
        set(&mut t, "route.istio_default_retry_policy=\"1.10\"").unwrap();
        assert_eq!(t["route"].get("retry_policy"), None);
        assert_eq!(
            t["route"]["istio_default_retry_policy"].as_str(),
            Some("1.10")
        );
        set(&mut t, "route.timeout=1s").unwrap();
        assert_eq!(
            t["route"]["istio_default_retry_policy"].as_str(),
            Some("1.10")
        );
    }

    #[test]
    fn removes_fields_and_tables() {
        let mut t = table(
            "[cluster]\nname = \"c\"\n[cluster.outlier_detection]\ninterval = \"5s\"\n[[clients]]\nrate = 1.0\nname = \"x\"\n",
        );
        remove_field(&mut t, "cluster.outlier_detection").unwrap();
        assert_eq!(t["cluster"].get("outlier_detection"), None);
        assert_eq!(t["cluster"]["name"].as_str(), Some("c"));
        remove_field(&mut t, "clients.0.rate").unwrap();
        assert_eq!(t["clients"][0].get("rate"), None);
        assert_eq!(t["clients"][0]["name"].as_str(), Some("x"));
        remove_field(&mut t, "clients").unwrap();
        assert_eq!(t.get("clients"), None);
    }

    #[test]
    fn refuses_to_remove_what_is_not_there() {
        let mut t = table("[cluster]\nname = \"c\"\n[[clients]]\nrate = 1.0\n");
        for (path, says) in [
            ("cluster.outlier_detection", "not in the scenario"),
            ("cluster.name.x", "not in the scenario"),
            ("clients.1.rate", "not in the scenario"),
            ("route.timeout", "not in the scenario"),
            ("clients.0", "a list entry"),
            ("cluster..name", "not a dotted field path"),
        ] {
            let e = remove_field(&mut t, path).unwrap_err();
            assert!(e.contains(says), "{path}: {e}");
        }
        assert_eq!(t["cluster"]["name"].as_str(), Some("c"), "nothing removed");
    }

    #[test]
    fn explains_bad_paths() {
        let mut t = table("[[clients]]\nrate = 1.0\nname = \"x\"\n");
        let e = apply_override(&mut t, &Override::parse("clients.3.rate=1").unwrap()).unwrap_err();
        assert!(e.contains("1 entries"), "{e}");
        let e =
            apply_override(&mut t, &Override::parse("clients.0.name.x=1").unwrap()).unwrap_err();
        assert!(e.contains("not a table"), "{e}");
        assert!(
            Override::parse("novalue")
                .unwrap_err()
                .contains("PATH=VALUE")
        );
        assert!(Override::parse("a..b=1").is_err());
    }
}
