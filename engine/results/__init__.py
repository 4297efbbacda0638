"""Electronic results: the result document of a dossier as a PDF (document.py), signed by the
agency in PAdES with its certificate (signing.py), checked by anyone through a verification page.
pki.py makes a certificate authority and an agency certificate for the demo and the tests."""
