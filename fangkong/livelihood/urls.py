from __future__ import annotations

from django.urls import path

from .views import community
from .views import deliveries as delivery_views
from .views import gatherings as gathering_views
from .views import logistics as logistics_views
from .views import places as place_views
from .views import prices as price_views
from .views import schools as school_views
from .views import stock as stock_views
from .views import volunteers as volunteer_views

app_name = "livelihood"

urlpatterns = [
    path("", community.community, name="community"),
    *delivery_views.urlpatterns,
    *gathering_views.urlpatterns,
    *logistics_views.urlpatterns,
    *place_views.urlpatterns,
    *price_views.urlpatterns,
    *school_views.urlpatterns,
    *stock_views.urlpatterns,
    *volunteer_views.urlpatterns,
]
