"""URLs of the programs app, mounted at /program/. Each views module lists its own (`urls`)."""

from .views import beneficiaries, budget, coverage, panels, programs, realizations

app_name = "programs"

urlpatterns = [
    *programs.urls,
    *realizations.urls,
    *beneficiaries.urls,
    *coverage.urls,
    *budget.urls,
    *panels.urls,
]
