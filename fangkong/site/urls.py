from __future__ import annotations

from django.urls import include, path

from fangkong.command.api import router as command_router
from fangkong.containment import resident_urls as containment_me
from fangkong.containment.api import router as containment_router
from fangkong.core.api import api
from fangkong.core.auth import router as auth_router
from fangkong.core.inbox_api import router as inbox_router
from fangkong.dataprotection.api import router as dataprotection_router
from fangkong.hall.api import router as hall_router
from fangkong.livelihood import resident_urls as livelihood_me
from fangkong.livelihood.api import router as livelihood_router
from fangkong.portal.api import router as portal_router
from fangkong.registry.admin_api import router as admin_router
from fangkong.registry.api import router as registry_router
from fangkong.registry.tree_api import router as tree_router
from fangkong.residents import urls as residents_urls
from fangkong.safety import resident_urls as safety_me
from fangkong.safety.api import router as safety_router
from fangkong.screening import resident_urls as screening_me
from fangkong.screening.api import router as screening_router
from fangkong.testing.api import router as testing_router

from . import views

# /me/: the residents' edge and each domain's resident pages, in one namespace ("me:travel", "me:supplies" …).
ME = [
    *residents_urls.urlpatterns,
    *containment_me.urlpatterns,
    *screening_me.urlpatterns,
    *livelihood_me.urlpatterns,
    *safety_me.urlpatterns,
]

api.add_router("/", auth_router)
api.add_router("/", inbox_router)
api.add_router("/", registry_router)
api.add_router("/", admin_router)
api.add_router("/", tree_router)
api.add_router("/", screening_router)
api.add_router("/", testing_router)
api.add_router("/", containment_router)
api.add_router("/", command_router)
api.add_router("/", safety_router)
api.add_router("/", portal_router)
api.add_router("/", livelihood_router)
api.add_router("/", dataprotection_router)
api.add_router("/", hall_router)

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("api/v1/", api.urls),
    path("", include("fangkong.core.urls")),
    path("", include("fangkong.registry.urls")),
    path("screening/", include("fangkong.screening.urls")),
    path("testing/", include("fangkong.testing.urls")),
    path("containment/", include("fangkong.containment.urls")),
    path("me/", include((ME, "me"))),
    path("news/manage/", include("fangkong.portal.manage_urls")),
    path("news/", include("fangkong.portal.news_urls")),
    path("command/", include("fangkong.command.urls")),
    path("safety/", include("fangkong.safety.urls")),
    path("livelihood/", include("fangkong.livelihood.urls")),
    path("dataprotection/", include("fangkong.dataprotection.urls")),
    path("hall/", include("fangkong.hall.urls")),
]

# JSON for the API, our templates for pages, when a request fails outside a view (fangkong.core.views).
handler400 = "fangkong.core.views.bad_request"
handler403 = "fangkong.core.views.permission_denied"
handler404 = "fangkong.core.views.page_not_found"
handler500 = "fangkong.core.views.server_error"
