//! Earliest-deadline-first scheduler for weighted host picks (placeholder until written).
