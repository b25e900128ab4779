"""Identity's routes: sign-up, tokens and the profile (routes.py), admins (admins.py), merchant API keys
(api_keys.py); schemas and mappers in schemas.py. Authentication itself is ``entrypoints.api.auth``."""
