//! Ports of Envoy's outlier detector unit tests (being written).
