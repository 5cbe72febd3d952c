"""The desk's watch: background work through Django's tasks API (a PostgreSQL queue,
django-tasks-db), the sources re-fetched on a schedule that follows a story's age, the alerts
that a cited passage changed or that a contradicted claim was said again, and who follows a
case.

Modules: `schedule` (how often a source is re-checked, free of the database), `engine` (the
periodic jobs, retries with backoff), `checks` (one source re-checked), `repeats` (a claim or
a quotation matched against the sides of published contradictions), `alerts` (the desk told,
followers emailed), `tasks` (the tasks the workers run)."""
