"""The demo's endpoint handlers, one module per family of PostHog's private API."""
