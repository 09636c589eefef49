"""Process machinery of a run: forked calls, jobs shared with forked helpers, the task
runner, the setup shipped to workers, memory given back, collector pauses, fast JSON text
(docs/ARCHITECTURE.md). Imports nothing of ours but `flows.errors`."""
