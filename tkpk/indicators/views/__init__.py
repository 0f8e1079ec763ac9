"""Views of the indicators app, a few declarative lines each on tkpk.generic."""
