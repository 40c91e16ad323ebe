"""Contracts between a task's applicant and its awarded agency (docs/rules.md §4), in the same
rooms as the package: `services` (the document, signing, the signing limit, termination, the
applicant's record), `document` (the generated contract text), `serializers` (what each reader is
shown; who may read a contract is `bidding.visibility`'s), `views` (pages), `api` (JSON),
`schemas`, `forms`; `delivery` holds the rules from the signed contract to the closed task
(deliveries, acceptance, payment of `budget` contracts, closing), with its pages
(`delivery_views`) and API (`delivery_api`)."""
