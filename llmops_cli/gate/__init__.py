"""The quality gate. `checks`: the pure decision (statistics, thresholds, verdict);
`baseline`: reading reports and the registry baseline (I/O); `run`: the whole gate run."""
