"""Operating the tracker: health endpoints, the workers' heartbeat, structured logs."""
