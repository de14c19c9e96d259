//! Priority loads and panic (placeholder until written).
