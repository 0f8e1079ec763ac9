"""URLs of the households app."""

app_name = "households"

urlpatterns = []
