"""Scheme modules, one per paper: dual_rail (000), thermal_link (001), cv_routing (002),
cooperative (003), cv_replication (004). Each holds a unitless model and its analysis functions."""
