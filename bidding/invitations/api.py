"""The invitation of a direct selection on bidding's JSON API blueprint (`bidding.api.bp`)."""
