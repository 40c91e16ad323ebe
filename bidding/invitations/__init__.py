"""Invitations of a `direct` selection: services, serializers, pages and API."""
