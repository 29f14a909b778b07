"""insert_all: many new rows at once, by COPY on PostgreSQL and bulk_create elsewhere, with their primary keys."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from microcred.core.bulk_insert import insert_all

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: COPY is PostgreSQL's")


def test_the_rows_are_stored_and_each_instance_gets_its_primary_key():
    groups = [Group(name=f"cohort {n}") for n in range(5)]
    assert insert_all(groups, key="name") is groups
    assert {g.name: g.pk for g in groups} == dict(Group.objects.values_list("name", "pk"))
    assert all(g.pk is not None and not g._state.adding and g._state.db == "default" for g in groups)
    assert insert_all([], key="name") == []


def test_a_row_that_breaks_a_unique_constraint_stores_none_of_them():
    Group.objects.create(name="taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_all([Group(name="new"), Group(name="taken")], key="name")
    assert list(Group.objects.values_list("name", flat=True)) == ["taken"]


@on_postgresql
def test_on_postgresql_the_rows_go_by_one_copy_and_their_keys_by_one_query():
    with CaptureQueriesContext(connection) as queries:
        insert_all([Group(name=f"cohort {n}") for n in range(300)], key="name")
    assert len(queries) == 2
    assert queries[0]["sql"] == 'COPY "auth_group" ("name") FROM STDIN -- 300 rows'
    assert queries[1]["sql"].startswith('SELECT "auth_group"."name" AS "name", "auth_group"."id" AS "pk" FROM')


@on_postgresql
def test_a_query_expression_is_refused_before_anything_is_sent():
    with pytest.raises(TypeError, match=r"auth\.Group\.name is an expression"):
        insert_all([Group(name="plain"), Group(name=Value("computed"))], key="name")
    assert not Group.objects.exists()
