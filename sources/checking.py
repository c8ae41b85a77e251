"""Running one check of a source (filled in by the source-check pipeline)."""


def run_check(source_id, requested_at):
    raise NotImplementedError("The source-check pipeline is not built yet.")
