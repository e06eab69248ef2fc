"""The delivery engine: the Delivery table is the queue, and each worker process keeps many
attempts in flight while sharing them fairly between endpoints.

- `claims` — take due deliveries from the table in batches (SKIP LOCKED on PostgreSQL).
- `worker_engine` — `Engine`: the loop thread, the sender-thread pool, per-endpoint lines.
- `concurrency` — adaptive per-endpoint slots (AIMD) inside one process.
- `health` — circuit breaker and auto-disable clock per endpoint, shared by all workers.
- `rate_limit` — optional per-profile requests per second/minute across all workers.
- `attempt` — prepare (database) and perform (network only) one attempt.
- `recording` — write a batch of outcomes in one transaction.
- `wakeup` — LISTEN/NOTIFY and in-process wake-ups so due work starts at once.
"""
