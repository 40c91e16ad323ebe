"""Verifiable draws (docs/draw.md): `spec` is the specification as pure functions, `seeds` commits
to and reveals each task's seed, `records` makes a task's draws and its public record, and
`verify_draw_standalone` is the standard-library verifier anyone can copy."""
