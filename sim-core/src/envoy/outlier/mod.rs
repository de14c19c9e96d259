//! Outlier detection (being written).
