"""The sources' part of the REST API: sources, their check history, the
changes between checks and the checks' archives, to members only."""
