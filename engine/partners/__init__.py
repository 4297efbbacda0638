"""Hand-offs to partner agencies' own systems (other motcua deployments): signed JSON messages
through an outbox and an inbox. See docs/PARTNERS.md."""

# A partner pool whose ``partnerCode`` is this stands for "whichever partner asked": any active
# partner may open a dossier through it, and a message to it goes back to the partner that
# opened the dossier. One social-insurance office serves every commune this way.
ANY_PARTNER = "*"
