import pytest

from govmall.bidding.tests.helpers import make_mall


@pytest.fixture
def mall(db):
    return make_mall()
