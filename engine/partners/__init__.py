"""Hand-offs to partner agencies' own systems (other motcua deployments): signed JSON messages
through an outbox and an inbox. See docs/PARTNERS.md."""
