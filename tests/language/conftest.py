"""The portal's and the vendors' fixtures, for the tests of every door."""

from tests.portal.conftest import *  # noqa: F403
from tests.vendors.conftest import *  # noqa: F403
