//! Workday arithmetic over a precomputed table.
