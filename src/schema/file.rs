//! The TOML/JSON schema file (SPEC §10).
