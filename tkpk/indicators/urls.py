"""URLs of the indicators, mounted at /indikator/."""

app_name = "indicators"

urlpatterns = []
