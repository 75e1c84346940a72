import pytest

from organisations.models import Organisation, Region


@pytest.mark.django_db
def test_any_of_answers_like_in_for_text_integers_and_foreign_keys():
    codes = [*Region.objects.values_list("code", flat=True)[:40], "no-such-code"]
    assert set(Region.objects.filter(code__any_of=codes)) == set(Region.objects.filter(code__in=codes))
    assert Region.objects.filter(code__any_of=codes).count() == len(codes) - 1

    ids = list(Region.objects.values_list("pk", flat=True)[:5])
    by_fk = Organisation.objects.filter(region_id__any_of=ids)
    assert set(by_fk) == set(Organisation.objects.filter(region_id__in=ids))
    assert by_fk.exists()


@pytest.mark.django_db
def test_any_of_an_empty_list_matches_nothing():
    assert not Region.objects.filter(code__any_of=[]).exists()
    assert not Region.objects.filter(pk__any_of=set()).exists()
