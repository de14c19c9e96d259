//! `[cluster] from = "configs/x.yaml"`: the fields with which a scenario takes its cluster (and
//! route) from an Envoy or Istio config file. sim-cli reads and imports the file; any other
//! `[cluster]` or `[route]` field the scenario writes wins over the file's.

use crate::scenario_table;
use crate::schema::{FilePaths, IstioVersionText};

scenario_table! {
    /// Instead of writing the cluster out, a scenario can take it (and the route) from an Envoy
    /// or Istio config file, imported as `breakersim import` does. These fields are read
    /// before `--set` is applied, so `--set` and sweep axes cannot change them (they can change
    /// every imported field).
    pub struct ConfigRef {
        /// YAML file(s), relative to the scenario file.
        from: Option<FilePaths> { absent: "none: the cluster is written out" },
        /// Which cluster: a name in an Envoy bootstrap, or `outbound|<port>|<subset>|<host>` for
        /// Istio (as `import --cluster`).
        select: Option<String> { absent: "port 80, no subset" },
        /// The istiod whose translation to follow (as `import --istio-version`). Quoted: a
        /// number is refused.
        istio_version: Option<IstioVersionText> { absent: "`\"1.30\"`" },
    }
}
