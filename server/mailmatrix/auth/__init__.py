"""Who is calling: identity tokens verified into a Principal."""
