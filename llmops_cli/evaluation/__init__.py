"""Running a pipeline over its golden set: retrieval, targets, cache, runner, scorers,
aggregates and the report."""
