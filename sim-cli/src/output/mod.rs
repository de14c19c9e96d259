//! Renderings of a run's result.

pub mod access_log;
pub mod envoy_tags;
pub mod explain;
pub mod hey_csv;
pub mod hey_text;
pub mod json;
pub mod lifecycle;
pub mod mesh;
pub mod outlier_log;
pub mod prometheus;
pub mod text;
pub mod timeline;
pub mod trace;

use sim_core::sim::RunResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Prometheus,
}

pub fn render(result: &RunResult, format: Format) -> String {
    match format {
        Format::Text => text::render(result),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&json::report(result))
                .expect("a JSON value always serialises");
            s.push('\n');
            s
        }
        Format::Prometheus => prometheus::render(result),
    }
}
