"""Contracts between the applicant and the awarded agency: signing, delivery, acceptance,
payment and closing (docs/rules.md §4). `delivery` holds the rules from the signed contract to
the closed task, with its pages (`delivery_views`) and API (`delivery_api`)."""
