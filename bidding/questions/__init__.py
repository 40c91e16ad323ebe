"""Questions about a task and objections to its announcement: `services` holds the rules,
`serializers` what each audience sees, `views` and `api` the page sections and JSON endpoints."""
