"""The identity repositories (users with their role profile, API keys) on the real database."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from adapters.django_orm.identity.models import User as UserRow
from adapters.django_orm.identity.repositories import DjangoApiKeyRepository, DjangoUserRepository
from application.identity.ports import ApiKeyRepository, UserFilter, UserRepository
from application.shared.pagination import PageRequest
from domain.identity.api_key import ApiKey
from domain.identity.user import Profile, Role, User
from tests.factories.identity import ApiKeyFactory, UserFactory
from tests.helpers import STRONG_PASSWORD
from tests.integration.repository_checks import NOW, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def users() -> UserRepository:
    return DjangoUserRepository()


@pytest.fixture
def keys() -> ApiKeyRepository:
    return DjangoApiKeyRepository()


def _user(**overrides: object) -> User:
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "email": f"asha-{uuid.uuid4().hex[:6]}@example.com",
        "name": "Asha Rao",
        "role": Role.VENDOR,
        "created_at": NOW,
        "profile": Profile(
            business_name="Asha Repairs",
            webhook_url="https://asha.example/hooks",
            phone="+91 98123 45678",
            address="12 MG Road\nPune",
            is_active=False,
        ),
        "referred_by_code": "REF123",
    }
    fields.update(overrides)
    return User(**fields)  # type: ignore[arg-type]


# --- users --------------------------------------------------------------------------------------


def test_a_user_round_trips_with_profile_and_a_hashed_password(users):
    user = _user()
    users.add(user, password=STRONG_PASSWORD)
    assert users.get(user.id) == user
    row = UserRow.objects.get(pk=user.id)
    assert row.password != STRONG_PASSWORD
    assert row.check_password(STRONG_PASSWORD)
    assert (row.is_staff, row.is_superuser) == (False, False)


def test_an_admin_is_staff_but_never_superuser(users):
    admin = _user(role=Role.ADMIN, profile=Profile())
    users.add(admin, password=STRONG_PASSWORD)
    row = UserRow.objects.get(pk=admin.id)
    assert (row.is_staff, row.is_superuser) == (True, False)


def test_a_user_row_without_profile_reads_as_the_default_profile(users):
    row = UserFactory(profile=None, role="merchant")
    found = users.get(str(row.id))
    assert found is not None
    assert found.profile == Profile()
    assert (found.email, found.role, found.created_at) == (row.email, Role.MERCHANT, row.date_joined)


def test_an_unknown_user_id_is_none(users):
    UserFactory()
    assert users.get(str(uuid.uuid4())) is None
    assert users.get(str(uuid.uuid4()), include_deleted=True) is None


def test_a_malformed_user_id_is_none(users):
    assert users.get("not-a-uuid") is None


def test_an_email_is_unique_whatever_its_case(users):
    first = _user(email="dup@example.com")
    users.add(first, password=STRONG_PASSWORD)
    assert users.email_taken("DUP@Example.com")
    assert not users.email_taken("other@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        users.add(_user(email="dup@example.com"), password=STRONG_PASSWORD)


def test_credentials_check_the_password_and_the_account_state(users):
    user = _user(role=Role.MERCHANT)
    users.add(user, password=STRONG_PASSWORD)
    assert users.check_credentials(user.email.upper(), STRONG_PASSWORD) == user
    assert users.check_credentials(user.email, "wrong-password-123") is None
    assert users.check_credentials("nobody@example.com", STRONG_PASSWORD) is None
    UserRow.objects.filter(pk=user.id).update(is_active=False)
    assert users.check_credentials(user.email, STRONG_PASSWORD) is None


def test_update_profile_replaces_the_profile_and_strips_the_name(users):
    user = _user()
    users.add(user, password=STRONG_PASSWORD)
    profile = Profile(business_name="New", webhook_url="", phone="1", address="", is_active=True)
    users.update_profile(user.id, name="  Asha R  ", profile=profile)
    found = users.get(user.id)
    assert found is not None
    assert (found.name, found.profile) == ("Asha R", profile)
    users.update_profile(user.id, name=None, profile=Profile())
    found = users.get(user.id)
    assert found is not None
    assert (found.name, found.profile) == ("Asha R", Profile())


def test_update_profile_creates_a_missing_profile(users):
    row = UserFactory(profile=None)
    users.update_profile(str(row.id), name=None, profile=Profile(business_name="Made"))
    found = users.get(str(row.id))
    assert found is not None
    assert found.profile.business_name == "Made"


def test_soft_deleted_users_are_hidden_unless_asked_for(users):
    user = _user()
    users.add(user, password=STRONG_PASSWORD)
    at = NOW + timedelta(days=1)
    assert users.soft_delete(user.id, at=at)
    assert not users.soft_delete(user.id, at=at + timedelta(days=1))  # already gone: nothing to delete
    assert users.get(user.id) is None
    deleted = users.get(user.id, include_deleted=True)
    assert deleted is not None
    assert deleted.deleted_at == at
    assert deleted.is_deleted
    assert users.check_credentials(user.email, STRONG_PASSWORD) is None
    assert users.email_taken(user.email)  # a deleted account keeps its email
    assert [u.id for u in users.list(UserFilter(), PageRequest()).items] == []
    assert [u.id for u in users.list(UserFilter(include_deleted=True), PageRequest()).items] == [user.id]


def test_users_page_by_join_date_and_filter(users):
    rows = [
        UserFactory(role="merchant", email=f"m{n}@shop.example", date_joined=NOW + timedelta(hours=n // 2))
        for n in range(5)
    ]
    UserFactory(role="customer", email="c@shop.example", date_joined=NOW)
    pages = walk(lambda page: users.list(UserFilter(role=Role.MERCHANT), page), limit=2)
    expected = sorted(rows, key=lambda r: (r.date_joined, r.id), reverse=True)
    assert [u.id for page in pages for u in page] == [str(r.id) for r in expected]
    found = users.list(UserFilter(email_contains="SHOP.example"), PageRequest()).items
    assert len(found) == 6


# --- API keys -----------------------------------------------------------------------------------


def test_an_api_key_round_trips_and_lists_newest_first_without_revoked_ones(keys):
    owner = UserFactory(role="merchant")
    older = ApiKey(id=str(uuid.uuid4()), user_id=str(owner.id), name="old", prefix="pk_old00001", created_at=NOW)
    newer = ApiKey(
        id=str(uuid.uuid4()),
        user_id=str(owner.id),
        name="new",
        prefix="pk_new00001",
        created_at=NOW + timedelta(seconds=1),
    )
    keys.add(older, key_hash="a" * 64)
    keys.add(newer, key_hash="b" * 64)
    ApiKeyFactory(user=owner, revoked_at=NOW)
    ApiKeyFactory()  # someone else's
    assert keys.list_for_user(str(owner.id)) == [newer, older]


def test_key_prefix_and_hash_are_unique(keys):
    existing = ApiKeyFactory()
    clash = ApiKey(
        id=str(uuid.uuid4()), user_id=str(existing.user_id), name="x", prefix=existing.prefix, created_at=NOW
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        keys.add(clash, key_hash="c" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        keys.add(
            ApiKey(id=str(uuid.uuid4()), user_id=str(existing.user_id), name="x", prefix="pk_other", created_at=NOW),
            key_hash=existing.key_hash,
        )


def test_revoking_is_per_owner_and_once(keys):
    key = ApiKeyFactory()
    stranger = UserFactory()
    assert not keys.revoke(str(key.id), user_id=str(stranger.id), at=NOW)
    assert keys.revoke(str(key.id), user_id=str(key.user_id), at=NOW)
    assert not keys.revoke(str(key.id), user_id=str(key.user_id), at=NOW + timedelta(seconds=1))
    assert keys.list_for_user(str(key.user_id)) == []


def test_revoke_all_for_user_leaves_other_users_keys(keys):
    owner = UserFactory(role="merchant")
    ApiKeyFactory.create_batch(2, user=owner)
    theirs = ApiKeyFactory()
    keys.revoke_all_for_user(str(owner.id), at=NOW)
    assert keys.list_for_user(str(owner.id)) == []
    assert [k.id for k in keys.list_for_user(str(theirs.user_id))] == [str(theirs.id)]


def test_find_active_by_hash_needs_a_live_key_of_a_live_account(keys):
    key = ApiKeyFactory(plaintext="pk_test_secret")
    digest = hashlib.sha256(b"pk_test_secret").hexdigest()
    found = keys.find_active_by_hash(digest)
    assert found is not None
    api_key, role = found
    assert (api_key.id, api_key.user_id, role) == (str(key.id), str(key.user_id), Role.MERCHANT)
    assert keys.find_active_by_hash("0" * 64) is None
    UserRow.objects.filter(pk=key.user_id).update(is_active=False)
    assert keys.find_active_by_hash(digest) is None
    UserRow.objects.filter(pk=key.user_id).update(is_active=True, deleted_at=NOW)
    assert keys.find_active_by_hash(digest) is None
    UserRow.all_objects.filter(pk=key.user_id).update(deleted_at=None)
    keys.revoke(str(key.id), user_id=str(key.user_id), at=NOW)
    assert keys.find_active_by_hash(digest) is None


def test_touch_records_the_last_use(keys):
    key = ApiKeyFactory()
    keys.touch(str(key.id), at=NOW)
    assert [k.last_used_at for k in keys.list_for_user(str(key.user_id))] == [NOW]
