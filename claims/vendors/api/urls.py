from rest_framework.routers import SimpleRouter

from .views import VendorJobViewSet

app_name = "vendor_api"

router = SimpleRouter(trailing_slash=False)
router.register("jobs", VendorJobViewSet, basename="job")
urlpatterns = router.urls
