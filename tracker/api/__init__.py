"""What the API of every app shares: cursor pagination, the renderer of file
downloads, and serializer helpers. The claims' and the sources' endpoints are
in ``claims.api`` and ``sources.api``."""
