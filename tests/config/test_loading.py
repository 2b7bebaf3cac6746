"""Instances read from the database (``config.loading.LoadedFromRows``) are what Django's own
``from_db`` would build: the same values, deferred fields, state and concurrency guard."""

from __future__ import annotations

import pytest
from django.db import models, transaction
from django.db.models import signals
from django_fsm import ConcurrentTransition

from claims.models import Claim
from claims.vendors.models import VendorJob
from config.loading import LoadedFromRows
from coverage.models import LossType, Product
from policies.models import Policy, Policyholder

pytestmark = pytest.mark.django_db


def _as_django_builds(obj):
    """``obj``'s model read the way ``Model.from_db`` reads it, from ``obj``'s row."""
    model = type(obj)
    names = [field.attname for field in model._meta.concrete_fields
             if field.attname in obj.__dict__]
    values = [obj.__dict__[name] for name in names]
    return models.Model.from_db.__func__(model, obj._state.db, names, values)


def _fields(obj) -> dict:
    return {name: value for name, value in obj.__dict__.items()
            if not name.startswith("_")}


@pytest.mark.parametrize("model", [Claim, Policy, Policyholder, Product, LossType, VendorJob])
def test_the_listed_models_load_from_rows(model):
    assert issubclass(model, LoadedFromRows)
    assert model.from_db.__func__ is LoadedFromRows.from_db.__func__


def test_a_claim_is_read_as_django_reads_it(reported_claim):
    claim = Claim.objects.select_related("policy__policyholder", "policy__product",
                                         "loss_type").get(pk=reported_claim.pk)
    for obj in (claim, claim.policy, claim.policy.policyholder, claim.policy.product,
                claim.loss_type):
        django_built = _as_django_builds(obj)
        assert _fields(obj) == _fields(django_built)
        assert (obj._state.adding, obj._state.db) == (False, "default")
        assert obj.get_deferred_fields() == set()
    assert claim.policy.product.name == reported_claim.policy.product.name  # properties work
    assert claim == reported_claim and hash(claim) == hash(reported_claim)


def test_deferred_fields_stay_deferred_and_load_on_access(reported_claim):
    claim = Claim.objects.only("number", "state").get(pk=reported_claim.pk)
    assert "description" in claim.get_deferred_fields()
    assert "description" not in claim.__dict__
    assert claim.get_deferred_fields() == _as_django_builds(claim).get_deferred_fields()
    assert claim.description == reported_claim.description  # read on first access


def test_a_loaded_claim_still_guards_against_a_concurrent_transition(reported_claim):
    claim = Claim.objects.get(pk=reported_claim.pk)
    Claim.objects.filter(pk=claim.pk).update(state="withdrawn")  # another request moved it
    claim.description = "Changed meanwhile"
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        claim.save()
    assert Claim.objects.get(pk=claim.pk).description == reported_claim.description


def test_a_loaded_claim_saves_its_changes(reported_claim):
    claim = Claim.objects.get(pk=reported_claim.pk)
    claim.description = "The server room flooded"
    claim.save(update_fields=["description"])
    assert Claim.objects.get(pk=claim.pk).description == "The server room flooded"


def test_with_an_init_receiver_django_builds_the_instance(reported_claim):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    signals.post_init.connect(receiver, sender=Claim)
    try:
        claim = Claim.objects.get(pk=reported_claim.pk)
    finally:
        signals.post_init.disconnect(receiver, sender=Claim)
    assert seen == [claim]
