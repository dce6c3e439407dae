"""The API's ground floor: bearer-token sign-in, the per-token rate limit and the error shape
that every endpoint of every app shares (issue 14)."""
