from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with test-sized costs: the same algorithm and format, without 100 MiB per hash."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
