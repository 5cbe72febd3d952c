from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.home, name="home"),
    path("contradictions/<slug:slug>/", views.contradiction_detail, name="contradiction_detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
]
